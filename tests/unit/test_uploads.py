import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.uploads import UploadError, check_document, safe_filename, sniff_document


def test_type_comes_from_content_not_name():
    assert check_document("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 10, 1024) == "image/png"
    with pytest.raises(UploadError, match="inte en PDF, PNG eller JPEG-fil"):
        check_document("beslut.pdf", b"<html>not a pdf</html>", 1024)


def test_empty_and_too_large_are_refused_with_swedish_messages():
    with pytest.raises(UploadError, match="Underlaget är tomt"):
        check_document("a.pdf", b"", 1024, what="Underlaget")
    with pytest.raises(UploadError, match="större än 1 MB"):
        check_document("a.pdf", b"%PDF-" + b"0" * (1024 * 1024), 1024 * 1024)


def test_client_paths_are_stripped_from_names():
    assert safe_filename("C:\\Users\\x\\beslut.pdf") == "beslut.pdf"
    assert safe_filename("../../etc/passwd") == "passwd" and safe_filename("") == "dokument"


@given(st.binary(max_size=64))
def test_sniff_never_raises_and_accepts_only_known_kinds(data):
    assert sniff_document(data) in (None, "application/pdf", "image/png", "image/jpeg")
