//! POSIX extended regular expressions from the C library, for strace's
//! `-e trace=/REGEX`: strace matches syscall names with `regcomp(3)`
//! (`REG_EXTENDED | REG_NOSUB`), so the same engine gives the same
//! selection, and no regex crate is needed.

use std::ffi::{CStr, CString};
use std::mem::MaybeUninit;

/// A compiled pattern, freed on drop.
pub struct Regex(libc::regex_t);

impl Regex {
    /// Compiles `pattern`; the error is the C library's message.
    pub fn new(pattern: &str) -> Result<Regex, String> {
        let c_pattern =
            CString::new(pattern).map_err(|_| "a pattern cannot contain a NUL byte".to_string())?;
        let mut raw = MaybeUninit::<libc::regex_t>::uninit();
        // SAFETY: regcomp initializes `raw` when it returns 0; on failure
        // it is only passed to regerror, which accepts it then.
        let rc = unsafe {
            libc::regcomp(
                raw.as_mut_ptr(),
                c_pattern.as_ptr(),
                libc::REG_EXTENDED | libc::REG_NOSUB,
            )
        };
        if rc != 0 {
            let mut buf = [0u8; 256];
            // SAFETY: buf is writable for its length; regerror NUL-terminates.
            unsafe { libc::regerror(rc, raw.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
            let message = CStr::from_bytes_until_nul(&buf)
                .map(|m| m.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Err(message);
        }
        // SAFETY: regcomp succeeded, so `raw` is initialized.
        Ok(Regex(unsafe { raw.assume_init() }))
    }

    /// True when the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let Ok(c_text) = CString::new(text) else {
            return false;
        };
        // SAFETY: the pattern is compiled and c_text NUL-terminated; with
        // REG_NOSUB no match array is written.
        unsafe { libc::regexec(&self.0, c_text.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for Regex {
    fn drop(&mut self) {
        // SAFETY: compiled by regcomp, freed once.
        unsafe { libc::regfree(&mut self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_as_posix_ere() {
        let re = Regex::new("^(sym)?link(at)?$").unwrap();
        assert!(re.is_match("link") && re.is_match("symlinkat"));
        assert!(!re.is_match("unlink"));
        assert!(Regex::new("chown").unwrap().is_match("fchownat"));
        assert!(Regex::new("^[[:alpha:]]+2$").unwrap().is_match("umount2"));
        assert!(Regex::new("a{2,}").unwrap().is_match("baab"));
        let err = Regex::new("(").err().unwrap();
        assert!(!err.is_empty());
        assert!(Regex::new("a\0b").is_err());
    }
}
