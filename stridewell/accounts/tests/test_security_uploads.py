"""Uploads never land on, or are served from, a path the uploader chose.

Uploaded files are kept as numbered files in a per-import folder and originals
under their content hash; names are only ever shown, never joined to a path.
Nothing under the data folder is served: only collected static files are.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from stridewell import settings as project_settings
from stridewell.runs.models import ImportItem, Run

FIT = "activities/fit/fitparse__activity-small-fenix2-run.fit"
TRAVERSALS = ["../../../../evil.fit", "..\\..\\..\\evil.fit", "/tmp/evil.fit"]
BOUNDARY = "----stridewell-boundary"


def multipart(name: str, data: bytes) -> bytes:
    """A raw multipart body: the test client would tidy the file name before sending it."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_file(client: Client, path: str, name: str, data: bytes, **extra: Any) -> Any:
    return client.post(
        path,
        multipart(name, data),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **extra,
    )


def assert_nothing_named_evil(tmp_path: Path) -> None:
    # Neither in the test's data folder nor anywhere a "../" or "/tmp/" could have reached.
    strays = [
        *tmp_path.rglob("*evil*"),
        *tmp_path.parent.glob("*evil*"),
        *Path("/tmp").glob("*evil*"),
    ]
    assert not strays, strays


def assert_stored_inside(user_id: int) -> None:
    originals = list((Path(settings.MEDIA_ROOT) / "originals" / str(user_id)).rglob("*.fit"))
    assert len(originals) == 1
    run = Run.objects.get(user_id=user_id)
    assert run.original_file.startswith(f"originals/{user_id}/")
    assert ".." not in run.original_file and "evil" not in run.original_file


@pytest.mark.parametrize("name", TRAVERSALS)
def test_upload_page_ignores_a_traversal_name(
    alice_client: Client, alice: Any, shared_data: Path, tmp_path: Path, name: str
) -> None:
    response = post_file(alice_client, "/import/", name, (shared_data / FIT).read_bytes())
    assert response.status_code == 302
    item = ImportItem.objects.get(job__user=alice)
    assert item.status == ImportItem.Status.IMPORTED, item.message
    assert "/" not in item.name and ".." not in item.name
    assert_stored_inside(alice.pk)
    assert_nothing_named_evil(tmp_path)


@pytest.mark.parametrize("name", TRAVERSALS)
def test_api_import_ignores_a_traversal_name(
    alice_token: str, alice: Any, shared_data: Path, tmp_path: Path, name: str
) -> None:
    response = post_file(
        Client(),
        "/api/v1/imports",
        name,
        (shared_data / FIT).read_bytes(),
        HTTP_AUTHORIZATION=f"Bearer {alice_token}",
    )
    assert response.status_code == 202, response.content
    assert [i["status"] for i in response.json()["items"]] == ["imported"]
    assert_stored_inside(alice.pk)
    assert_nothing_named_evil(tmp_path)


def test_zip_member_outside_the_archive_is_refused(
    alice_client: Client, alice: Any, shared_data: Path, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.fit", (shared_data / FIT).read_bytes())
    post_file(alice_client, "/import/", "runs.zip", buffer.getvalue())
    item = ImportItem.objects.get(job__user=alice)
    assert item.status == ImportItem.Status.FAILED
    assert "outside the archive" in item.message
    assert not Run.objects.exists()
    assert_nothing_named_evil(tmp_path)


def test_stored_files_are_never_served(alice_client: Client, alice: Any, shared_data: Path) -> None:
    post_file(alice_client, "/import/", "run.fit", (shared_data / FIT).read_bytes())
    relative = Run.objects.get(user=alice).original_file
    for url in [f"/{relative}", f"/files/{relative}", f"/media/{relative}", f"/static/{relative}"]:
        assert alice_client.get(url).status_code == 404, url
    assert Client().get(f"/static/../files/{relative}").status_code == 404


def test_media_is_apart_from_static() -> None:
    # whitenoise serves STATIC_ROOT and the app static folders; user files must be in neither.
    media = Path(project_settings.MEDIA_ROOT).resolve()
    uploads = (Path(project_settings.DATA_DIR) / "uploads").resolve()
    served = [Path(project_settings.STATIC_ROOT), *map(Path, project_settings.STATICFILES_DIRS)]
    for folder in (media, uploads):
        for root in served:
            assert not folder.is_relative_to(root.resolve()), (folder, root)
            assert not root.resolve().is_relative_to(folder), (folder, root)
    assert not getattr(project_settings, "MEDIA_URL", "")
