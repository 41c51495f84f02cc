"""File helpers: atomic writes so a reader never sees a half-written sysfs value."""
import os


def atomic_write(path, text):
    # Temp file in the same folder + rename: a concurrent open() gets the old or the new inode, whole.
    tmp = os.path.join(os.path.dirname(path), '.%s.%d.tmp' % (os.path.basename(path), os.getpid()))
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(path, text)


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def symlink(target, link):
    """Relative symlink `link` -> `target` (both absolute paths), as sysfs links are."""
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.relpath(target, os.path.dirname(link)), link)
