//! `<image>`: a picture.

use crate::PropertyKind::{Boolean, OneOf, Path};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of it.
pub(crate) const COMPONENTS: &[Component] = &[Component {
    tag: "image",
    summary: "A picture from the package or a URL, fitted by mode.",
    properties: &[
        Property::new(&["src"], Path, ""),
        Property::new(
            &["mode"],
            OneOf(&[
                "scaleToFill",
                "aspectFit",
                "aspectFill",
                "widthFix",
                "heightFix",
                "top",
                "bottom",
                "center",
                "left",
                "right",
                "top left",
                "top right",
                "bottom left",
                "bottom right",
            ]),
            "scaleToFill",
        ),
        Property::new(&["lazy-load", "lazyLoad"], Boolean, "false"),
        Property::new(&["default-source", "defaultSource"], Path, ""),
        Property::new(&["show-menu-by-longpress"], Boolean, "false"),
    ],
    events: &[
        Event::new("load", "{ width, height } of the picture"),
        Event::new("error", "{ errMsg }"),
    ],
}];
