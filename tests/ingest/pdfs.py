"""PDFs made inside the tests with fpdf2: text, headers, encryption, images."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF


class _Plan(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, "Integraal Veiligheidsplan Teststad 2025-2028", align="C")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, f"- {self.page_no()} -", align="C")


def make_text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a running header and page-number footer; each page a list of lines."""
    pdf = _Plan()
    pdf.set_auto_page_break(False)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 6, line)
            pdf.ln(6)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "Vertrouwelijk veiligheidsplan")
    pdf.set_encryption(owner_password="eigenaar", user_password="geheim")
    pdf.output(str(path))
    return path


def make_image_pdf(path: Path) -> Path:
    """A 'scanned' PDF: one page holding only an image, no text layer."""
    from PIL import Image

    image_path = path.with_suffix(".png")
    Image.new("RGB", (200, 280), "white").save(image_path)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image_path), x=10, y=10, w=150)
    pdf.output(str(path))
    image_path.unlink()
    return path


def make_corrupt_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 4)
    return path
