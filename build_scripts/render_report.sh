#!/usr/bin/env bash
# Render a generated report for a visual check: FILE.docx → PDF (LibreOffice) → one PNG per page.
#   build_scripts/render_report.sh FILE.docx OUTDIR
# Also renders a PDF directly (e.g. the Qt writer's): build_scripts/render_report.sh FILE.pdf OUTDIR
# Needs: soffice (apt-get install -y --no-install-recommends libreoffice-writer-nogui), pdftoppm and
# pdftotext (poppler-utils). Prints the pages written and checks that the text came through.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "cách dùng: $0 TỆP.docx|TỆP.pdf THƯ_MỤC_RA" >&2
  exit 2
fi
src=$1
out=$2
[ -f "$src" ] || { echo "không có tệp $src" >&2; exit 1; }
mkdir -p "$out"
name=$(basename "${src%.*}")

case "$src" in
  *.docx|*.DOCX)
    command -v soffice >/dev/null || { echo "cần LibreOffice (soffice) để chuyển .docx sang PDF" >&2; exit 1; }
    # A private profile: no first-run dialogs, no lock on the user's own profile.
    profile=$(mktemp -d)
    trap 'rm -rf "$profile"' EXIT
    soffice -env:UserInstallation=file://"$profile" --headless --norestore \
      --convert-to pdf --outdir "$out" "$src" >/dev/null 2>&1
    pdf="$out/$name.pdf"
    [ -s "$pdf" ] || { echo "LibreOffice không chuyển được $src sang PDF" >&2; exit 1; }
    ;;
  *.pdf|*.PDF)
    pdf="$out/$name.pdf"
    [ "$(realpath "$src")" = "$(realpath -m "$pdf")" ] || cp "$src" "$pdf"
    ;;
  *)
    echo "chỉ nhận tệp .docx hoặc .pdf" >&2
    exit 2
    ;;
esac

rm -f "$out/$name"-page-*.png
pdftoppm -r 80 -png "$pdf" "$out/$name-page"
pdftotext -layout "$pdf" "$out/$name.txt"
pages=$(ls "$out/$name"-page-*.png | wc -l)
echo "$pdf: $pages trang; $(wc -w < "$out/$name.txt") từ trong $out/$name.txt"
ls "$out/$name"-page-*.png
