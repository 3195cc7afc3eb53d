import pytest

from tests.test_email import smtp_inbox  # noqa: F401  (the SMTP server on loopback)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Export files go to a folder of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path
