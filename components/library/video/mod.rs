//! `<video>`: a video player.

use crate::PropertyKind::{Boolean, Number, OneOf, Path, String};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "video",
    summary: "A video from the package or an allowed domain, with the platform's controls; \
              createVideoContext drives it.",
    properties: &[
        Property::new(&["src"], Path, ""),
        Property::new(&["poster"], Path, ""),
        Property::new(&["poster-for-crawler"], Path, ""),
        Property::new(&["controls"], Boolean, "true"),
        Property::new(&["autoplay"], Boolean, "false"),
        Property::new(&["loop"], Boolean, "false"),
        Property::new(&["muted"], Boolean, "false"),
        Property::new(&["initial-time", "initialTime"], Number, "0"),
        Property::new(
            &["object-fit", "objectFit"],
            OneOf(&["contain", "fill", "cover"]),
            "contain",
        ),
        Property::new(&["show-center-play-btn", "showCenterPlayBtn"], Boolean, "true"),
        Property::new(&["title"], String, ""),
    ],
    events: &[
        Event::new("play", "{}"),
        Event::new("pause", "{}"),
        Event::new("ended", "{}"),
        Event::new("timeupdate", "{ currentTime, duration }"),
        Event::new("waiting", "{}"),
        Event::new("loadedmetadata", "{ width, height, duration }"),
        Event::new("progress", "{ buffered } in percent"),
        Event::new("seekcomplete", "{ position }"),
        Event::new("fullscreenchange", "{ fullScreen, direction }"),
        Event::new("stop", "{} (VideoContext.stop)"),
        Event::new("error", "{ errMsg }"),
    ],
}];
