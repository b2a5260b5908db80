"""Article image paths as stored, and as used.

An image inside the data dir is stored relative to it (``demo/images/051/0510000001.jpg``), so
a data dir that is moved or copied keeps its pictures; an image elsewhere keeps its absolute
path. Reading turns a stored path back into one that can be opened: a relative one is joined to
the current data dir; an absolute one is used as it is while its folder exists. An absolute path
whose folder is gone (written before paths were stored relative, in a data dir since moved) is
looked up under the current data dir by its trailing parts (``/old/dir/demo/images/051/x.jpg``
→ ``DATA_DIR/demo/images/051/x.jpg``) and used there when that folder exists.
Decisions are made per folder and remembered, so reading many articles costs a few ``stat`` calls.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath


def to_stored(image_path: str | None, data_dir: Path | None) -> str | None:
    """The form to store: relative to ``data_dir`` when the image lies inside it."""
    if not image_path or data_dir is None:
        return image_path
    path = Path(image_path)
    if not path.is_absolute():
        return image_path
    root = Path(os.path.abspath(data_dir))
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return image_path


class ImagePaths:
    """Resolves stored image paths against one data dir (see the module docstring)."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = Path(os.path.abspath(data_dir)) if data_dir is not None else None
        self._folders: dict[str, str] = {}  # a stored absolute folder -> the folder to use

    def resolve(self, stored: str | None) -> str | None:
        if not stored or self.data_dir is None:
            return stored
        path = PurePath(stored)
        if not path.is_absolute():
            return str(self.data_dir / path)
        folder = str(path.parent)
        found = self._folders.get(folder)
        if found is None:
            found = self._folders[folder] = self._folder(path.parent)
        return str(Path(found) / path.name)

    def to_stored(self, image_path: str | None) -> str | None:
        return to_stored(image_path, self.data_dir)

    def _folder(self, folder: PurePath) -> str:
        if os.path.isdir(folder) or self.data_dir is None:
            return str(folder)
        parts = folder.parts[1:]
        for start in range(len(parts)):  # the longest trailing part first
            candidate = self.data_dir.joinpath(*parts[start:])
            if os.path.isdir(candidate):
                return str(candidate)
        return str(folder)
