//! `<audio>`: an audio player in the page (the platforms' older component; apps now use
//! `createInnerAudioContext`, whose players the same folder's script keeps).

use crate::PropertyKind::{Boolean, Path, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "audio",
    summary: "Audio from the package or an allowed domain, with controls when asked for.",
    properties: &[
        Property::new(&["src"], Path, ""),
        Property::new(&["poster"], Path, ""),
        Property::new(&["loop"], Boolean, "false"),
        Property::new(&["controls"], Boolean, "false"),
        Property::new(&["name"], String, ""),
        Property::new(&["author"], String, ""),
    ],
    events: &[
        Event::new("play", "{}"),
        Event::new("pause", "{}"),
        Event::new("ended", "{}"),
        Event::new("timeupdate", "{ currentTime, duration }"),
        Event::new("error", "{ errMsg }"),
    ],
}];
