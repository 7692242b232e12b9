//! Announcements (V3): public ones go to every account's user data stream, direct ones to
//! one account, which can also list them over REST.

use crate::engine::types::AccountId;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct Announcement {
    pub id: i64,
    /// `NEW_LISTING` for public announcements, `DIRECT` for direct ones.
    pub category: String,
    pub title: String,
    pub subtitle: String,
    pub content: String,
    pub link: String,
    pub time: i64,
    /// The one account a direct announcement is for.
    pub to: Option<AccountId>,
}

impl Announcement {
    /// The REST form: one entry per language.
    pub fn rest_json(&self) -> Value {
        json!({
            "id": self.id,
            "contents": [{ "language": "en", "title": self.title, "subtitle": self.subtitle, "content": self.content }],
            "category": self.category,
            "publishTime": self.time,
            "jumpLink": self.link,
        })
    }

    /// The user data stream form.
    pub fn event_json(&self) -> Value {
        json!({
            "e": "announcement",
            "en": {
                "i": self.id, "t": self.title, "s": self.subtitle, "c": self.category, "d": self.time,
                "S": false, "j": self.link, "C": self.content,
            }
        })
    }
}
