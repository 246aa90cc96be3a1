//! Phase two: events from the compact records, once every object has been read.
//!
//! Each report and grouping becomes an event holding the attributes of the objects in its
//! `object_refs`; the objects no report holds go to one event for the whole bundle. Named
//! objects (malware, threat actors, ...) tag the events they are in, or that hold an object
//! they are related to (`indicates`, `attributed-to`, `uses`).

use std::collections::{HashMap, HashSet};

use iocdb_model::{Attribute, Event, MispObject, Org, Sighting, SightingKind, Timestamp};
use uuid::Uuid;

use super::attributes::{self, Carrier, Meta, push_tag};
use super::objects::{
    Container, Observed, Record, SightingOf, SlotId, Store, count_empty_observation, day,
};
use super::observable::Observable;
use super::reader::Envelope;
use crate::context::{Context, derived_uuid};
use crate::error::ImportError;

/// Builds and emits every event.
pub(crate) fn assemble(
    store: &mut Store,
    envelope: &Envelope,
    ctx: &mut Context<'_>,
) -> Result<(), ImportError> {
    let carriers = std::mem::take(&mut store.carriers);
    let store = &*store;
    let mut assembler = Assembler::new(store, carriers);
    let mut placed = vec![false; store.slots.len()];
    let mut containers: Vec<(u64, SlotId, &Container)> = store
        .slots
        .iter()
        .enumerate()
        .filter_map(|(i, slot)| match &slot.record {
            Some(Record::Container(c)) => Some((slot.position?, SlotId::try_from(i).ok()?, &**c)),
            _ => None,
        })
        .collect();
    containers.sort_by_key(|(position, _, _)| *position);
    let shared = assembler.shared_members(&containers);
    for (_, slot, container) in &containers {
        let event = assembler.container_event(ctx, *slot, container, &shared, &mut placed)?;
        ctx.emit(event)?;
    }
    if let Some(event) = assembler.bundle_event(ctx, envelope, &mut placed)? {
        ctx.emit(event)?;
    }
    Ok(())
}

struct Assembler<'s> {
    store: &'s Store,
    /// The ready-made attributes, moved into the event that holds them (cloned when
    /// several do).
    carriers: Vec<Option<Carrier>>,
    /// Both directions of every tagging relationship.
    neighbours: HashMap<SlotId, Vec<SlotId>>,
    /// Sightings by what they saw.
    sightings: HashMap<SlotId, Vec<&'s SightingOf>>,
}

impl<'s> Assembler<'s> {
    fn new(store: &'s Store, carriers: Vec<Option<Carrier>>) -> Self {
        let mut neighbours: HashMap<SlotId, Vec<SlotId>> = HashMap::new();
        for &(source, target) in &store.relationships {
            neighbours.entry(source).or_default().push(target);
            neighbours.entry(target).or_default().push(source);
        }
        let mut sightings: HashMap<SlotId, Vec<&SightingOf>> = HashMap::new();
        for sighting in &store.sightings {
            sightings.entry(sighting.target).or_default().push(sighting);
        }
        Assembler { store, carriers, neighbours, sightings }
    }

    /// Slots held by more than one container: their attributes get per-event uuids.
    fn shared_members(&self, containers: &[(u64, SlotId, &Container)]) -> HashSet<SlotId> {
        let mut seen = HashSet::new();
        let mut shared = HashSet::new();
        for (_, _, container) in containers {
            let members: HashSet<SlotId> = self.closure(&container.refs).into_iter().collect();
            for slot in members {
                if !seen.insert(slot) {
                    shared.insert(slot);
                }
            }
        }
        shared
    }

    /// The members and everything they refer to (observed-data and observable references).
    fn closure(&self, members: &[SlotId]) -> Vec<SlotId> {
        let mut out: Vec<SlotId> = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<(SlotId, u8)> = members.iter().rev().map(|s| (*s, 0)).collect();
        while let Some((slot, depth)) = stack.pop() {
            if !seen.insert(slot) {
                continue;
            }
            out.push(slot);
            if depth < 3 {
                stack.extend(self.children(slot).into_iter().map(|c| (c, depth + 1)));
            }
        }
        out
    }

    /// The observables an observed-data or observable refers to.
    fn children(&self, slot: SlotId) -> Vec<SlotId> {
        match self.store.record(slot) {
            Some(Record::Observed(observed)) => observed.refs.clone(),
            Some(Record::Observable(observable)) => {
                observable.refs.iter().filter_map(|(_, target)| self.store.find(target)).collect()
            }
            _ => Vec::new(),
        }
    }

    fn container_event(
        &mut self,
        ctx: &mut Context<'_>,
        slot: SlotId,
        container: &Container,
        shared: &HashSet<SlotId>,
        placed: &mut [bool],
    ) -> Result<Event, ImportError> {
        let uuid = self.store.slot(slot).map(|s| s.uuid).unwrap_or_else(Uuid::nil);
        let mut event = Event::new(uuid, container.info.clone());
        event.date = container.date;
        event.timestamp = container.timestamp;
        event.publish_timestamp = container.publish_timestamp;
        event.published = container.publish_timestamp.is_some();
        event.orgc = container.created_by.and_then(|s| self.org(s));
        event.tags = container.tags.clone();
        for marking in &container.markings {
            if let Some(Record::Marking(Some(tag))) = self.store.record(*marking) {
                push_tag(&mut event.tags, tag.clone());
            }
        }
        event.reports.extend(container.report.clone());
        let members = dedup(&container.refs);
        for member in self.closure(&members) {
            if let Some(p) = placed.get_mut(member as usize) {
                *p = true;
            }
        }
        let mut builder = EventBuilder::new(uuid);
        let covered = self.covered(&members);
        for &member in &members {
            let shared = shared.contains(&member);
            let Some(mut carrier) = self.carrier(ctx, member, &covered, shared)? else { continue };
            if shared {
                rekey(&mut carrier, uuid);
            }
            builder.add(carrier);
        }
        builder.finish(&mut event);
        self.tag(&mut event, &members);
        Ok(event)
    }

    /// The event of the objects no report holds, if they carry any attribute.
    fn bundle_event(
        &mut self,
        ctx: &mut Context<'_>,
        envelope: &Envelope,
        placed: &mut [bool],
    ) -> Result<Option<Event>, ImportError> {
        let mut members: Vec<(u64, SlotId)> = self
            .store
            .slots
            .iter()
            .enumerate()
            .filter(|(i, _)| !placed.get(*i).copied().unwrap_or(true))
            .filter(|(_, slot)| {
                matches!(
                    slot.record,
                    Some(Record::Carrier(_) | Record::Observed(_) | Record::Observable(_))
                )
            })
            .filter_map(|(i, slot)| Some((slot.position?, SlotId::try_from(i).ok()?)))
            .collect();
        members.sort_by_key(|(position, _)| *position);
        let members: Vec<SlotId> = members.into_iter().map(|(_, slot)| slot).collect();
        if members.is_empty() {
            return Ok(None);
        }
        let uuid = self.bundle_uuid(envelope, &members);
        let mut event = Event::new(uuid, bundle_info(ctx, envelope));
        let mut builder = EventBuilder::new(uuid);
        let covered = self.covered(&members);
        for &member in &members {
            if let Some(carrier) = self.carrier(ctx, member, &covered, false)? {
                builder.add(carrier);
            }
        }
        builder.finish(&mut event);
        if event.attributes.is_empty() {
            return Ok(None);
        }
        event.date = event.attributes.iter().filter_map(|a| a.first_seen).min().map(day);
        self.tag(&mut event, &members);
        Ok(Some(event))
    }

    /// The bundle's uuid, or one derived from the ids of the objects when there is no bundle.
    fn bundle_uuid(&self, envelope: &Envelope, members: &[SlotId]) -> Uuid {
        if let Envelope::Bundle { id: Some(id) } = envelope {
            return super::objects::uuid_of(id);
        }
        let ids: Vec<&[u8]> =
            members.iter().filter_map(|m| self.store.slot(*m)).map(|s| s.id.as_bytes()).collect();
        let mut parts: Vec<&[u8]> = vec![b"stix-objects"];
        parts.extend(ids);
        derived_uuid(&parts)
    }

    /// The attributes one member contributes to an event, with the sightings of the member.
    fn carrier(
        &mut self,
        ctx: &mut Context<'_>,
        member: SlotId,
        covered: &HashSet<SlotId>,
        shared: bool,
    ) -> Result<Option<Carrier>, ImportError> {
        let mut carrier = self.carrier_of(ctx, member, covered, shared)?;
        if let (Some(carrier), Some(sightings)) = (&mut carrier, self.sightings.get(&member)) {
            let sightings: Vec<Sighting> =
                sightings.iter().flat_map(|s| self.sightings_of(s)).collect();
            for attr in &mut carrier.attributes {
                attr.sightings.extend(sightings.iter().cloned());
            }
        }
        Ok(carrier)
    }

    /// One sighting per identity that saw it (one without source when none is named).
    fn sightings_of(&self, sighting: &SightingOf) -> Vec<Sighting> {
        let mut sources: Vec<Option<String>> = sighting
            .sources
            .iter()
            .filter_map(|s| match self.store.record(*s) {
                Some(Record::Identity(name)) if !name.is_empty() => Some(Some(name.clone())),
                _ => None,
            })
            .collect();
        if sources.is_empty() {
            sources.push(None);
        }
        sources
            .into_iter()
            .map(|source| Sighting {
                timestamp: sighting.timestamp,
                kind: SightingKind::Seen,
                source,
            })
            .collect()
    }

    /// The attributes one member contributes to an event; observables `covered` by another
    /// member contribute through it only.
    fn carrier_of(
        &mut self,
        ctx: &mut Context<'_>,
        member: SlotId,
        covered: &HashSet<SlotId>,
        shared: bool,
    ) -> Result<Option<Carrier>, ImportError> {
        let carrier = match self.store.record(member) {
            Some(Record::Carrier(index)) => {
                let Some(entry) = self.carriers.get_mut(*index) else { return Ok(None) };
                let carrier = if shared { entry.clone() } else { entry.take() };
                return Ok(carrier);
            }
            Some(Record::Observed(observed)) => self.observed(ctx, observed)?,
            Some(Record::Observable(observable)) => {
                if covered.contains(&member) {
                    return Ok(None);
                }
                let uuid = self.store.slot(member).map(|s| s.uuid).unwrap_or_else(Uuid::nil);
                let meta = Meta::bare(uuid, self.store.pointer(member));
                let facts = observable.facts(|id| self.observable(id));
                attributes::build(&meta, &facts, ctx)?.carrier
            }
            None => {
                ctx.report.count("stix: unresolved references", 1);
                return Ok(None);
            }
            Some(_) => return Ok(None),
        };
        Ok(Some(carrier))
    }

    /// The observables some member (an observed-data or observable) refers to: they
    /// contribute through it only.
    fn covered(&self, members: &[SlotId]) -> HashSet<SlotId> {
        members
            .iter()
            .flat_map(|&m| self.children(m).into_iter().filter(move |c| *c != m))
            .collect()
    }

    /// The attributes of a STIX 2.1 observed-data, from the observables it refers to.
    fn observed(&self, ctx: &mut Context<'_>, observed: &Observed) -> Result<Carrier, ImportError> {
        let covered = self.covered(&observed.refs);
        let roots: Vec<SlotId> =
            observed.refs.iter().copied().filter(|r| !covered.contains(r)).collect();
        let mut facts = Vec::new();
        for root in roots {
            match self.store.record(root) {
                Some(Record::Observable(o)) => facts.extend(o.facts(|id| self.observable(id))),
                None => ctx.report.count("stix: unresolved references", 1),
                Some(_) => {}
            }
        }
        let built = attributes::build(&observed.meta, &facts, ctx)?;
        count_empty_observation(ctx, &built);
        Ok(built.carrier)
    }

    fn observable(&self, id: &str) -> Option<&'s Observable> {
        match self.store.record(self.store.find(id)?) {
            Some(Record::Observable(o)) => Some(o),
            _ => None,
        }
    }

    /// The creator organisation, from an identity.
    fn org(&self, slot: SlotId) -> Option<Org> {
        let entry = self.store.slot(slot)?;
        match &entry.record {
            Some(Record::Identity(name)) if !name.is_empty() => {
                Some(Org { name: name.clone(), uuid: Some(entry.uuid) })
            }
            _ => None,
        }
    }

    /// Tags from the named objects among the members and their related objects.
    fn tag(&self, event: &mut Event, members: &[SlotId]) {
        for &member in members {
            let related = self.neighbours.get(&member).map(Vec::as_slice).unwrap_or_default();
            for &slot in std::iter::once(&member).chain(related) {
                if let Some(Record::Tag(tag)) = self.store.record(slot) {
                    push_tag(&mut event.tags, tag.clone());
                }
            }
        }
    }
}

/// The event title of the bundle's own event.
fn bundle_info(ctx: &Context<'_>, envelope: &Envelope) -> String {
    let file =
        ctx.file.as_ref().and_then(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned());
    match (file, envelope) {
        (Some(file), _) => format!("STIX bundle {file}"),
        (None, Envelope::Bundle { id: Some(id) }) => format!("STIX {id}"),
        (None, _) => "STIX objects".to_owned(),
    }
}

/// Ids in order, each once.
fn dedup(slots: &[SlotId]) -> Vec<SlotId> {
    let mut seen = HashSet::new();
    slots.iter().copied().filter(|s| seen.insert(*s)).collect()
}

/// Gives a carrier held by several events uuids of its own in this event.
fn rekey(carrier: &mut Carrier, event: Uuid) {
    for attr in &mut carrier.attributes {
        attr.uuid = derived_uuid(&[event.as_bytes(), attr.uuid.as_bytes()]);
        if let Some(object) = &mut attr.object {
            object.uuid = derived_uuid(&[event.as_bytes(), object.uuid.as_bytes()]);
        }
    }
    if let Some(object) = &mut carrier.object {
        object.uuid = derived_uuid(&[event.as_bytes(), object.uuid.as_bytes()]);
    }
}

/// Collects an event's attributes: one attribute per uuid (MISP's STIX export gives an
/// attribute's indicator and observed-data the same uuid: they merge), one object per uuid.
struct EventBuilder {
    event: Uuid,
    attributes: Vec<Attribute>,
    by_uuid: HashMap<Uuid, usize>,
    objects: Vec<MispObject>,
}

impl EventBuilder {
    fn new(event: Uuid) -> Self {
        EventBuilder { event, attributes: Vec::new(), by_uuid: HashMap::new(), objects: Vec::new() }
    }

    fn add(&mut self, carrier: Carrier) {
        if let Some(object) = carrier.object {
            match self.objects.iter_mut().find(|o| o.uuid == object.uuid) {
                // MISP's export renders an object twice (indicator, observed-data): keep
                // the comment (the pattern) whichever comes first.
                Some(known) if known.comment.is_empty() => known.comment = object.comment,
                Some(_) => {}
                None => self.objects.push(object),
            }
        }
        for attr in carrier.attributes {
            self.add_attribute(attr);
        }
    }

    fn add_attribute(&mut self, mut attr: Attribute) {
        for _ in 0..4 {
            let Some(&at) = self.by_uuid.get(&attr.uuid) else { break };
            let Some(existing) = self.attributes.get_mut(at) else { break };
            if existing.attr_type == attr.attr_type && existing.value == attr.value {
                merge(existing, attr);
                return;
            }
            attr.uuid = derived_uuid(&[
                self.event.as_bytes(),
                attr.uuid.as_bytes(),
                attr.attr_type.name().as_bytes(),
                attr.value.as_bytes(),
            ]);
        }
        self.by_uuid.insert(attr.uuid, self.attributes.len());
        self.attributes.push(attr);
    }

    fn finish(self, event: &mut Event) {
        event.attributes = self.attributes;
        event.objects = self.objects;
    }
}

/// Merges what a second rendering of the same attribute says into the first.
fn merge(into: &mut Attribute, other: Attribute) {
    into.to_ids |= other.to_ids;
    into.first_seen = earliest(into.first_seen, other.first_seen);
    into.last_seen = into.last_seen.max(other.last_seen);
    into.timestamp = into.timestamp.max(other.timestamp);
    if into.comment.is_empty() {
        into.comment = other.comment;
    }
    if into.object.is_none() {
        into.object = other.object;
    }
    for tag in other.tags {
        push_tag(&mut into.tags, tag);
    }
}

fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_ignores_missing() {
        let t = Some(Timestamp(5));
        assert_eq!(earliest(None, t), t);
        assert_eq!(earliest(t, Some(Timestamp(9))), t);
        assert_eq!(earliest(None, None), None);
    }
}
