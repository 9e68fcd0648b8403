"""Vietnamese for Qt's own texts.

Qt ships no Vietnamese translation (there is no qtbase_vi.qm), so the standard buttons, the context
menus of text fields, the wizard buttons and the dialogs Qt draws itself (file chooser where the
platform has none, print preview, print dialog) would speak English. A small translator answers the
strings those widgets ask for; everything else passes through unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

VI_LOCALE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)

# Strings looked up whatever the context.
COMMON: dict[str, str] = {
    "OK": "Đồng ý",
    "&OK": "Đồng ý",
    "Save": "Lưu",
    "&Save": "&Lưu",
    "Save All": "Lưu tất cả",
    "Open": "Mở",
    "&Open": "&Mở",
    "&Yes": "&Có",
    "Yes": "Có",
    "Yes to &All": "Có cho &tất cả",
    "&No": "&Không",
    "No": "Không",
    "N&o to All": "Không cho tất cả",
    "Abort": "Hủy bỏ",
    "Retry": "Thử lại",
    "Ignore": "Bỏ qua",
    "Close": "Đóng",
    "&Close": "Đó&ng",
    "Cancel": "Hủy",
    "&Cancel": "&Hủy",
    "Discard": "Không lưu",
    "Don't Save": "Không lưu",
    "Help": "Trợ giúp",
    "&Help": "&Trợ giúp",
    "Apply": "Áp dụng",
    "Reset": "Đặt lại",
    "Restore Defaults": "Khôi phục mặc định",
    "Show Details...": "Xem chi tiết…",
    "Hide Details...": "Ẩn chi tiết…",
    # text fields
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "&Select All": "Chọn tất cả",
    "&Step up": "Tăng",
    "Step &down": "Giảm",
    "Copy &Link Location": "Sao chép địa chỉ liên kết",
    # wizard
    "< &Back": "< &Quay lại",
    "&Back": "&Quay lại",
    "Go Back": "Quay lại",
    "&Next": "&Tiếp",
    "&Next >": "&Tiếp >",
    "Continue": "Tiếp tục",
    "&Finish": "&Hoàn tất",
    "Done": "Xong",
    "&Commit": "&Xác nhận",
    "Commit": "Xác nhận",
    # file dialog (drawn by Qt where the platform has no native one)
    "Look in:": "Tìm trong:",
    "File &name:": "&Tên tệp:",
    "Files of type:": "Loại tệp:",
    "&Choose": "&Chọn",
    "Save As": "Lưu thành",
    "Find Directory": "Chọn thư mục",
    "Directory:": "Thư mục:",
    "Back": "Quay lại",
    "Forward": "Tiến tới",
    "Parent Directory": "Thư mục cha",
    "Create New Folder": "Tạo thư mục mới",
    "List View": "Dạng danh sách",
    "Detail View": "Dạng chi tiết",
    "New Folder": "Thư mục mới",
    "&New Folder": "Thư mục &mới",
    "&Delete": "&Xóa",
    "&Rename": "Đổi &tên",
    "Show &hidden files": "Hiện tệp ẩn",
    "File Folder": "Thư mục",
    "Folder": "Thư mục",
    "Alias": "Lối tắt",
    "Shortcut": "Lối tắt",
    "File": "Tệp",
    "Unknown": "Không rõ",
    "My Computer": "Máy tính",
    "Computer": "Máy tính",
    "Recent Places": "Vị trí gần đây",
    "All Files (*)": "Mọi tệp (*)",
    "Go back": "Quay lại",
    "Go forward": "Tiến tới",
    "Go to the parent directory": "Lên thư mục cha",
    "Create a New Folder": "Tạo thư mục mới",
    "Change to list view mode": "Xem dạng danh sách",
    "Change to detail view mode": "Xem dạng chi tiết",
    "Sidebar": "Thanh bên",
    "List of places and bookmarks": "Các vị trí và dấu trang",
    "Files": "Tệp",
    "Name": "Tên",
    "Size": "Kích thước",
    "Type": "Loại",
    "Kind": "Loại",
    "Date Modified": "Ngày sửa",
    "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nBạn có muốn ghi đè không?",
    "Are you sure you want to delete '%1'?": "Bạn có chắc muốn xóa “%1”?",
    # print preview and print dialog
    "Print Preview": "Xem trước khi in",
    "Next page": "Trang sau",
    "Previous page": "Trang trước",
    "First page": "Trang đầu",
    "Last page": "Trang cuối",
    "Fit width": "Vừa chiều ngang",
    "Fit page": "Vừa trang",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Portrait": "Khổ dọc",
    "Landscape": "Khổ ngang",
    "Show single page": "Xem từng trang",
    "Show facing pages": "Xem hai trang",
    "Show overview of all pages": "Xem tất cả các trang",
    "Print": "In",
    "&Print": "&In",
    "Page setup": "Thiết lập trang",
    "Page Setup": "Thiết lập trang",
    "Export to PDF": "Xuất PDF",
    "Print To File ...": "In ra tệp…",
    "&Options >>": "&Tùy chọn >>",
    "&Options <<": "&Tùy chọn <<",
    "Print to File (PDF)": "In ra tệp (PDF)",
    "Local file": "Tệp trên máy",
    "Write PDF file": "Ghi tệp PDF",
    "Print range": "Phạm vi in",
    "All": "Tất cả",
    "Pages from": "Từ trang",
    "to": "đến",
    "Selection": "Phần đã chọn",
    "Current Page": "Trang hiện tại",
    "Copies": "Số bản",
    "Copies:": "Số bản:",
    "Collate": "Sắp theo bộ",
    "Reverse": "In ngược",
    "Printer": "Máy in",
    "&Name:": "&Tên:",
    "P&roperties": "Thuộc tính",
    "Location:": "Vị trí:",
    "Preview": "Xem trước",
    "Type:": "Loại:",
    "Output &file:": "&Tệp đầu ra:",
    "Paper": "Giấy",
    "Page size:": "Khổ giấy:",
    "Width:": "Rộng:",
    "Height:": "Cao:",
    "Paper source:": "Khay giấy:",
    "Orientation": "Hướng giấy",
    "Reverse landscape": "Ngang ngược",
    "Reverse portrait": "Dọc ngược",
    "Margins": "Lề",
    "top margin": "lề trên",
    "left margin": "lề trái",
    "right margin": "lề phải",
    "bottom margin": "lề dưới",
    "Page Layout": "Bố cục trang",
    "Page order:": "Thứ tự trang:",
    "Pages per sheet:": "Số trang mỗi tờ:",
    "Duplex Printing": "In hai mặt",
    "None": "Không",
    "Long side": "Cạnh dài",
    "Short side": "Cạnh ngắn",
    "Color Mode": "Chế độ màu",
    "Color": "Màu",
    "Grayscale": "Thang xám",
    "Options": "Tùy chọn",
    "Advanced": "Nâng cao",
    "Millimeters (mm)": "Milimét (mm)",
    "Inches (in)": "Inch (in)",
    "Points (pt)": "Điểm (pt)",
    "Units:": "Đơn vị:",
    "Custom": "Tùy chỉnh",
    # progress
    "Enter a value:": "Nhập giá trị:",
}


class VietnameseTranslator(QTranslator):
    """Answers Qt's own user-facing strings in Vietnamese; leaves the rest alone."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.missed: set[tuple[str, str]] = set()

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        text = COMMON.get(source)
        if text is None and context.startswith("Q"):
            self.missed.add((context, source))
        return text

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install_translator(app: QApplication) -> VietnameseTranslator:
    QLocale.setDefault(VI_LOCALE)
    translator = VietnameseTranslator(app)
    app.installTranslator(translator)
    return translator
