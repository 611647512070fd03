//! `<movable-area>` and `<movable-view>`: a view the user drags (and pinches) inside an area.

use crate::PropertyKind::{Boolean, Length, Number, OneOf};
use crate::{Component, Event, Property};

/// What the reference and the template layer know of them.
pub(crate) const COMPONENTS: &[Component] = &[
    Component {
        tag: "movable-area",
        summary: "The area its movable-view children move in (10 px square unless styled).",
        properties: &[Property::new(&["scale-area"], Boolean, "false")],
        events: &[],
    },
    Component {
        tag: "movable-view",
        summary: "A view dragged or pinched inside its movable-area, or moved by the app's x and y.",
        properties: &[
            Property::new(
                &["direction"],
                OneOf(&["all", "vertical", "horizontal", "none"]),
                "none",
            ),
            Property::new(&["inertia"], Boolean, "false"),
            Property::new(&["out-of-bounds"], Boolean, "false"),
            Property::new(&["x"], Length, "0"),
            Property::new(&["y"], Length, "0"),
            Property::new(&["damping"], Number, "20"),
            Property::new(&["friction"], Number, "2"),
            Property::new(&["disabled"], Boolean, "false"),
            Property::new(&["scale"], Boolean, "false"),
            Property::new(&["scale-min"], Number, "0.1"),
            Property::new(&["scale-max"], Number, "10"),
            Property::new(&["scale-value"], Number, "1"),
            Property::new(&["animation"], Boolean, "true"),
        ],
        events: &[
            Event::new(
                "change",
                "{ x, y, source }: source `touch` (dragged), `touch-out-of-bounds` (dragged past the \
                 edge), `out-of-bounds` (springing back), `friction` (inertia) or `\"\"` (the app's x / y)",
            ),
            Event::new(
                "scale",
                "{ x, y, scale } while pinched, or when the app sets scale-value",
            ),
            Event::new(
                "htouchmove",
                "{} each move of a touch whose first move was horizontal",
            ),
            Event::new(
                "vtouchmove",
                "{} each move of a touch whose first move was vertical",
            ),
        ],
    },
];
