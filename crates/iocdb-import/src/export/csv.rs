//! CSV export in MISP's column order.
//!
//! The columns are those of MISP's CSV export (`restSearch` with `returnFormat=csv`):
//! `uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,
//! object_uuid,object_name,object_meta_category`, with the event's uuid in `event_id`
//! (iocdb has no numeric event ids), `to_ids` as `1`/`0`, `date` as the attribute's
//! modification time in unix seconds (empty when unknown) and the tags joined with `,`.
//! Deleted attributes are left out, as MISP leaves them out.
//!
//! Importing the output with [`crate::feed::Preset::MispCsv`] gives back, per event, the
//! attributes with their uuids, types, categories, values, comments, `to_ids`, tags and
//! objects, and the event uuids. What the columns cannot hold is lost: the event's title,
//! date, tags and other metadata, the attributes' first and last sightings, sightings,
//! sub-second timestamps, and tag names that contain a comma are split. Use
//! [`crate::export::jsonl`] or [`crate::export::misp`] to keep everything.

use std::io::{self, Write};

use iocdb_model::{Attribute, Event, MispObject};

/// The header of MISP's CSV export.
pub const MISP_CSV_COLUMNS: [&str; 13] = [
    "uuid",
    "event_id",
    "category",
    "type",
    "value",
    "comment",
    "to_ids",
    "date",
    "object_relation",
    "attribute_tag",
    "object_uuid",
    "object_name",
    "object_meta_category",
];

/// Writes the header and one row per attribute (deleted ones left out) of every event.
pub fn write_csv(events: &[Event], out: impl Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(MISP_CSV_COLUMNS)?;
    for event in events {
        for attribute in event.attributes.iter().filter(|a| !a.deleted) {
            writer.write_record(row(event, attribute))?;
        }
    }
    writer.flush()
}

/// The 13 cells of one attribute.
fn row(event: &Event, attribute: &Attribute) -> [String; 13] {
    let object = attribute.object.as_ref();
    let misp_object = object.and_then(|o| find_object(event, o.uuid));
    let tags: Vec<&str> = attribute.tags.iter().map(|t| t.name.as_str()).collect();
    [
        attribute.uuid.to_string(),
        event.uuid.to_string(),
        attribute.category.name().to_owned(),
        attribute.attr_type.name().to_owned(),
        attribute.value.clone(),
        attribute.comment.clone(),
        if attribute.to_ids { "1" } else { "0" }.to_owned(),
        attribute.timestamp.map(|t| t.unix_seconds().to_string()).unwrap_or_default(),
        object.map(|o| o.relation.clone()).unwrap_or_default(),
        tags.join(","),
        object.map(|o| o.uuid.to_string()).unwrap_or_default(),
        misp_object.map(|o| o.name.clone()).unwrap_or_default(),
        misp_object.map(|o| o.meta_category.clone()).unwrap_or_default(),
    ]
}

fn find_object(event: &Event, uuid: uuid::Uuid) -> Option<&MispObject> {
    event.objects.iter().find(|o| o.uuid == uuid)
}
