//! The rule for ids of lessons, exercises and quizzes: they key the student's progress.

/// An id that can't key a student's progress; its message says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("id \"{id}\" may use only lowercase letters, digits, - and _, starting with a letter or digit (e.g. \"{example}\")")]
pub struct InvalidId {
    pub id: String,
    /// A usable id made from it (`my-id` when nothing of it is usable).
    pub example: String,
}

/// Ok when `id` is a usable id; otherwise why not and how to fix it.
pub fn check(id: &str) -> Result<(), InvalidId> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        return Ok(());
    }
    let slug = slug(id);
    let example = if slug.is_empty() {
        "my-id".to_string()
    } else {
        slug
    };
    Err(InvalidId {
        id: id.to_string(),
        example,
    })
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if (c == '-' || c == '_' || c.is_whitespace())
            && !out.is_empty()
            && !out.ends_with('-')
        {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(check("pairs-2").is_ok());
        assert!(check("a_b").is_ok());
        assert_eq!(
            check("My Pairs").unwrap_err().to_string(),
            "id \"My Pairs\" may use only lowercase letters, digits, - and _, starting with a letter or digit (e.g. \"my-pairs\")"
        );
        assert!(check("").is_err());
        assert!(check("-a").is_err());
    }
}
