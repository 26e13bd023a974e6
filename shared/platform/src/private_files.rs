//! Files and directories of the embedded backend, readable by the service's
//! own user only.
//!
//! Embedded data holds personal data (customer records, journals of
//! replayed answers, letters, identity documents). Created with the
//! process umask (usually 0022) anyone on the machine could read them, so
//! every directory is created 0700 and every file 0600, whatever the umask.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Directories: owner only.
pub const DIRECTORY_MODE: u32 = 0o700;
/// Files: owner read and write.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents, each new one 0700, and narrows
/// `dir` itself to 0700 when it already existed wider (data written by an
/// earlier version of the platform).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(DIRECTORY_MODE);
    builder.create(dir)?;
    #[cfg(unix)]
    {
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & !DIRECTORY_MODE != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIRECTORY_MODE))?;
        }
    }
    Ok(())
}

/// Options that create files 0600; the caller adds read, write, append...
pub fn open_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    options.mode(FILE_MODE);
    options
}

/// Creates (or truncates) `path` for writing, 0600 when new.
pub fn create(path: &Path) -> io::Result<File> {
    open_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

/// Narrows an existing file to 0600 (a journal written by an earlier version).
pub fn restrict(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode & !FILE_MODE != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_directories_and_files_are_the_owners_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_dir_all(&dir).unwrap();
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("f");
        create(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn wider_existing_ones_are_narrowed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("old");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_dir_all(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let path = dir.join("f");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict(&File::open(&path).unwrap()).unwrap();
        assert_eq!(mode(&path), 0o600);
    }
}
