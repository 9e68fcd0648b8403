"""The demo's report texts and report evidence (issue 13): what a clerk of Sở Y tế Khánh Hòa types
for R1 2024 (the one-stop staffing sentence), the year's quality-management documents and their
publication address, the signers, and complete R2 narratives for 6 tháng đầu năm 2024 and năm 2024 —
so that a newcomer's first R2 has no empty section and the demo's R1 says what the reference says."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .enums import ReportType

D = dt.date
DEMO_USER = "demo"

SIGNERS = (
    ("Lê Văn Khoa", "GIÁM ĐỐC", None, True),
    ("Nguyễn Thị Thu Hà", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", False),
    ("Trần Quang Minh", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", False),
)

QUALITY_DOCUMENTS_2024 = (
    ("745/QĐ-SYT", D(2023, 10, 27), "Quyết định",
     "về việc phê duyệt, ban hành lại (sau rà soát) và áp dụng các tài liệu của Hệ thống quản lý chất lượng "
     "phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015"),
    ("110/KH-SYT", D(2024, 1, 10), "Kế hoạch",
     "về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động "
     "của Cơ quan Sở Y tế năm 2024"),
    ("438/QĐ-SYT", D(2024, 7, 11), "Quyết định",
     "về việc công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015"),
)  # fmt: skip
PUBLICATION_URL_2024 = "https://syt.khanhhoa.gov.vn/Default.aspx?ArticleId=3d626b71-c452-49c3-9a56-f9d3a26ed59f"

QUALITY_TEXTS_2024 = {
    "muc_tieu_1": "Hiện tại, Bộ phận Một cửa Sở Y tế tại Trung tâm Phục vụ hành chính công tỉnh gồm 01 nhân viên "
    "tiếp nhận hồ sơ.",
}


def _cchc_texts(label: str, next_label: str, half: bool) -> dict[str, str]:
    """The R2 narrative of Sở Y tế Khánh Hòa for ``label`` ("6 tháng đầu năm 2024", "năm 2024")."""
    inspections = "02 cuộc" if half else "05 cuộc"
    posts = "86" if half else "167"
    return {
        "chi_dao_dieu_hanh": f"""Sở Y tế đã ban hành Kế hoạch số 118/KH-SYT ngày 12/01/2024 về cải cách hành chính năm 2024 \
và Kế hoạch số 121/KH-SYT ngày 12/01/2024 về tuyên truyền cải cách hành chính năm 2024; giao nhiệm vụ cụ thể \
cho từng phòng, đơn vị, gắn với thời hạn hoàn thành và người chịu trách nhiệm.
- Công tác tuyên truyền: đăng tải {posts} tin, bài về cải cách hành chính trên Cổng thông tin điện tử của Sở; \
niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa và trên Cổng Dịch vụ công quốc gia.
- Công tác kiểm tra: tổ chức {inspections} kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc, trong đó:
+ Kiểm tra việc niêm yết, công khai thủ tục hành chính và tiếp nhận, trả kết quả hồ sơ;
+ Kiểm tra việc thực hiện chế độ công vụ, kỷ luật, kỷ cương hành chính.
- Kết quả kiểm tra được thông báo bằng văn bản; các tồn tại được yêu cầu khắc phục, báo cáo kết quả về Sở.""",
        "the_che": """Sở Y tế tham mưu UBND tỉnh ban hành và tham gia góp ý các văn bản quy phạm pháp luật thuộc lĩnh \
vực y tế theo đúng trình tự, thủ tục của Luật Ban hành văn bản quy phạm pháp luật.
- Thực hiện rà soát, hệ thống hóa văn bản quy phạm pháp luật thuộc lĩnh vực quản lý; kết quả rà soát được \
công bố theo quy định.
- Phổ biến, quán triệt các văn bản mới về khám bệnh, chữa bệnh, dược, an toàn thực phẩm đến các đơn vị trực \
thuộc, trong đó có *Luật Khám bệnh, chữa bệnh năm 2023* và các nghị định hướng dẫn.""",
        "thu_tuc_hanh_chinh": """Hồ sơ được tiếp nhận tại Bộ phận Một cửa Sở Y tế đặt tại Trung tâm Phục vụ hành chính \
công tỉnh; 100% thủ tục hành chính được công khai đầy đủ, kịp thời trên Cơ sở dữ liệu quốc gia về thủ tục \
hành chính và Cổng Dịch vụ công quốc gia.""",
        "to_chuc_bo_may": """Sở Y tế thực hiện sắp xếp tổ chức bộ máy theo hướng tinh gọn, hoạt động hiệu lực, hiệu quả:
- Rà soát chức năng, nhiệm vụ, quyền hạn của các phòng chuyên môn và đơn vị trực thuộc; tham mưu UBND tỉnh \
quy định chức năng, nhiệm vụ của các đơn vị sự nghiệp y tế.
- Thực hiện tinh giản biên chế theo lộ trình; quản lý, sử dụng biên chế đúng số lượng được giao.""",
        "che_do_cong_vu": """Sở Y tế thực hiện nghiêm việc tuyển dụng, sử dụng, quản lý công chức, viên chức theo vị \
trí việc làm; thực hiện đánh giá, xếp loại chất lượng công chức, viên chức đúng quy định.
- Cử công chức, viên chức tham gia các lớp bồi dưỡng kiến thức quản lý nhà nước, lý luận chính trị và chuyên \
môn, nghiệp vụ.
- Tăng cường kỷ luật, kỷ cương hành chính; không có trường hợp công chức, viên chức vi phạm phải xử lý kỷ luật.""",
        "tai_chinh_cong": """Sở Y tế thực hiện cơ chế tự chủ tài chính đối với các đơn vị sự nghiệp công lập theo \
quy định; triển khai lập, chấp hành và quyết toán ngân sách đúng quy định.
- Thực hiện công khai dự toán, quyết toán ngân sách; thực hành tiết kiệm, chống lãng phí trong chi thường xuyên.
- Các bệnh viện tiếp tục thực hiện giá dịch vụ khám bệnh, chữa bệnh theo quy định hiện hành.""",
        "chinh_quyen_so": """Sở Y tế duy trì hệ thống quản lý văn bản và điều hành (E-Office), chữ ký số chuyên dùng \
cho lãnh đạo và văn thư; triển khai hồ sơ sức khỏe điện tử và thanh toán không dùng tiền mặt tại các cơ sở \
khám bệnh, chữa bệnh công lập.""",
        "kho_khan": f"""Bên cạnh những kết quả đạt được, công tác cải cách hành chính {label} còn một số khó khăn, \
hạn chế:
- Tỷ lệ hồ sơ nộp trực tuyến đối với thủ tục hành chính một phần còn thấp, do nhiều thủ tục yêu cầu thẩm định \
thực tế tại cơ sở.
- Hạ tầng công nghệ thông tin tại một số đơn vị trực thuộc chưa đồng bộ; nhân lực chuyên trách công nghệ thông \
tin còn thiếu.
- Nguyên nhân: khối lượng công việc chuyên môn lớn; một số tổ chức, cá nhân chưa quen sử dụng dịch vụ công \
trực tuyến.""",
        "phuong_huong": f"""Trong {next_label}, Sở Y tế tập trung thực hiện các nhiệm vụ trọng tâm sau:
- Tiếp tục rà soát, đơn giản hóa thủ tục hành chính; nâng tỷ lệ hồ sơ nộp trực tuyến, nhất là đối với thủ tục \
hành chính một phần.
- Duy trì, cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015.
- Đẩy mạnh chuyển đổi số trong ngành y tế, trong đó:
+ Hoàn thiện kết nối, liên thông dữ liệu hồ sơ sức khỏe điện tử;
+ Mở rộng thanh toán không dùng tiền mặt tại các cơ sở y tế.
- Tăng cường kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc.""",
        "de_xuat": """Đề nghị UBND tỉnh, Sở Nội vụ tiếp tục quan tâm bố trí kinh phí đầu tư hạ tầng công nghệ thông \
tin cho các đơn vị sự nghiệp y tế và tổ chức tập huấn nghiệp vụ cải cách hành chính cho công chức làm công tác \
cải cách hành chính.""",
    }


def add_report_texts(session: Session) -> None:
    """The demo's report texts, signers and quality-management documents (one call from the builder)."""
    for name, authority, title, default in SIGNERS:
        session.add(m.Signer(name=name, authority=authority, title=title, is_default=default, active=True,
                             updated_by=DEMO_USER))  # fmt: skip
    for number, day, kind, description in QUALITY_DOCUMENTS_2024:
        session.add(m.QualityDocument(year=2024, number=number, issued_on=day, kind=kind, description=description,
                                      updated_by=DEMO_USER))  # fmt: skip
    year = session.scalar(select(m.ObjectiveYear).where(m.ObjectiveYear.year == 2024))
    if year is not None:
        year.publication_url = PUBLICATION_URL_2024
    texts: list[tuple[ReportType, str, dict[str, str]]] = [
        (ReportType.QUALITY, "2024", QUALITY_TEXTS_2024),
        (ReportType.CCHC, "2024-H1", _cchc_texts("6 tháng đầu năm 2024", "6 tháng cuối năm 2024", True)),
        (ReportType.CCHC, "2024", _cchc_texts("năm 2024", "năm 2025", False)),
    ]
    for report_type, period_key, sections in texts:
        for key, body in sections.items():
            session.add(m.ReportText(report_type=report_type, period_key=period_key, section_key=key, body=body,
                                     updated_by=DEMO_USER))  # fmt: skip
