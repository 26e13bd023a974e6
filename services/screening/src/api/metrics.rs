//! Screening's own metrics, served with the platform's at `GET /metrics`:
//!
//! - `screenings_total`: subjects screened through the API (one per subject
//!   of a batch);
//! - `screening_matches_total{list, category}`: matches found (scores at or
//!   over the threshold), by the list and category of the listed entry;
//! - `screening_list_age_days{list, category, folder}`: per loaded source,
//!   whole days since the vintage date of its folder, read at each scrape
//!   from the version in force (a source whose folder has no date has none).
//!
//! Labels are list ids, categories and folder names: never a subject.

use std::collections::BTreeMap;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::Match;
use crate::monitoring::LiveLists;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MatchLabels {
    list: &'static str,
    category: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    list: &'static str,
    category: &'static str,
    folder: String,
}

/// The counters the screening handlers add to.
#[derive(Clone, Default)]
pub struct ScreeningMetrics {
    screenings: Counter,
    matches: Family<MatchLabels, Counter>,
}

impl ScreeningMetrics {
    /// Registers the counters, and the list-age gauge read from `lists`.
    pub fn register(registry: &mut Registry, lists: Arc<LiveLists>) -> Self {
        let metrics = Self::default();
        registry.register(
            "screenings",
            "Subjects screened through the API",
            metrics.screenings.clone(),
        );
        registry.register(
            "screening_matches",
            "Matches found, by list and category of the listed entry",
            metrics.matches.clone(),
        );
        registry.register_collector(Box::new(ListAge(lists)));
        metrics
    }

    /// One subject screened, with what it matched.
    pub fn screened(&self, matches: &[Match]) {
        self.screenings.inc();
        for m in matches.iter().filter(|m| m.is_match) {
            self.matches
                .get_or_create(&MatchLabels {
                    list: m.list.id_prefix(),
                    category: m.category.as_str(),
                })
                .inc();
        }
    }
}

/// The age of each source in force, computed when scraped (it grows by the
/// day without a reload).
struct ListAge(Arc<LiveLists>);

impl std::fmt::Debug for ListAge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListAge")
    }
}

impl Collector for ListAge {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let lists = self.0.current();
        let today = crate::pep::today();
        // One series per list and folder; if two list folders share a
        // name, the older figure stands.
        let mut ages: BTreeMap<(&'static str, &'static str, String), i64> = BTreeMap::new();
        for source in &lists.version().sources {
            if let Some(days) = source.age_days(&today) {
                let key = (
                    source.list.id_prefix(),
                    source.category.as_str(),
                    source.folder.clone(),
                );
                let age = ages.entry(key).or_insert(days);
                *age = (*age).max(days);
            }
        }
        let family = Family::<SourceLabels, Gauge>::default();
        for ((list, category, folder), days) in ages {
            family
                .get_or_create(&SourceLabels {
                    list,
                    category,
                    folder,
                })
                .set(days);
        }
        let metric = encoder.encode_descriptor(
            "screening_list_age_days",
            "Days since the vintage date of each loaded list source",
            None,
            family.metric_type(),
        )?;
        family.encode(metric)
    }
}
