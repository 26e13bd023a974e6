//! The records of one namespace, as Cloud Map publishes them for ECS, and the
//! answer to one query. Kept apart from the network side so that the rules
//! (what exists, what is NXDOMAIN, what is refused) read in one place.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use hickory_server::proto::op::ResponseCode;
use hickory_server::proto::rr::rdata::{A, SOA, SRV};
use hickory_server::proto::rr::{Name, RData, Record, RecordType};

/// The records under one namespace, changed while the server runs.
pub(crate) struct Zone {
    /// Lowercase, no trailing dot, e.g. `cdd.local`.
    namespace: String,
    ttl: u32,
    services: RwLock<BTreeMap<String, Service>>,
    /// Whether SRV answers carry the targets' A records.
    additional_records: AtomicBool,
    queries: AtomicU64,
}

#[derive(Default)]
struct Service {
    /// Instance id → address: an SRV record, and an A record on both the
    /// instance's name and the service's name (Cloud Map for ECS).
    tasks: BTreeMap<String, (Ipv4Addr, u16)>,
    /// A records on the service's name alone (Docker's DNS under compose).
    a_only: BTreeSet<Ipv4Addr>,
}

/// The answer to one query.
pub(crate) struct Reply {
    pub code: ResponseCode,
    pub answers: Vec<Record>,
    pub additionals: Vec<Record>,
    /// The zone's SOA with a negative answer, so resolvers know how long
    /// "no such records" holds (RFC 2308).
    pub soa: Option<Record>,
}

impl Reply {
    /// An answer with no records, e.g. a refusal.
    pub fn empty(code: ResponseCode) -> Self {
        Self {
            code,
            answers: Vec::new(),
            additionals: Vec::new(),
            soa: None,
        }
    }
}

impl Zone {
    /// `None` when `namespace` is not a DNS name.
    pub fn new(namespace: &str, ttl: Duration) -> Option<Self> {
        let namespace = namespace.trim_end_matches('.').to_ascii_lowercase();
        if namespace.is_empty() || Name::from_ascii(format!("{namespace}.")).is_err() {
            return None;
        }
        Some(Self {
            namespace,
            ttl: u32::try_from(ttl.as_secs()).unwrap_or(u32::MAX),
            services: RwLock::default(),
            additional_records: AtomicBool::new(true),
            queries: AtomicU64::new(0),
        })
    }

    pub fn register(&self, service: &str, instance_id: &str, ip: Ipv4Addr, port: u16) {
        let (service, instance_id) = (label(service), label(instance_id));
        let mut services = self
            .services
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let tasks = &mut services.entry(service).or_default().tasks;
        tasks.insert(instance_id, (ip, port));
    }

    pub fn register_a_only(&self, service: &str, ip: Ipv4Addr) {
        let service = label(service);
        let mut services = self
            .services
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        services.entry(service).or_default().a_only.insert(ip);
    }

    pub fn deregister(&self, service: &str, instance_id: &str) {
        let (service, instance_id) = (label(service), label(instance_id));
        let mut services = self
            .services
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(records) = services.get_mut(&service) {
            records.tasks.remove(&instance_id);
            // A service with nothing registered no longer exists (NXDOMAIN),
            // as in Cloud Map once its last task is gone.
            if records.tasks.is_empty() && records.a_only.is_empty() {
                services.remove(&service);
            }
        }
    }

    pub fn set_additional_records(&self, on: bool) {
        self.additional_records.store(on, Ordering::Relaxed);
    }

    pub fn count_query(&self) {
        self.queries.fetch_add(1, Ordering::Relaxed);
    }

    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// The answer to a query for `name` (any case, trailing dot or not).
    pub fn answer(&self, name: &str, record_type: RecordType) -> Reply {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if name == self.namespace {
            return match record_type {
                RecordType::SOA => Reply {
                    answers: vec![self.soa()],
                    ..Reply::empty(ResponseCode::NoError)
                },
                _ => self.no_data(),
            };
        }
        let Some(relative) = name.strip_suffix(&format!(".{}", self.namespace)) else {
            // Not ours: an authoritative server for one namespace answers
            // nothing else, and does not recurse.
            return Reply::empty(ResponseCode::Refused);
        };
        let (instance, service) = match relative.split_once('.') {
            None => (None, relative),
            Some((instance, service)) if !service.contains('.') => (Some(instance), service),
            Some(_) => return self.nx_domain(),
        };

        let services = self.services.read().unwrap_or_else(PoisonError::into_inner);
        let Some(records) = services.get(service) else {
            return self.nx_domain();
        };
        match instance {
            None => self.service_answer(service, records, record_type),
            Some(instance) => match records.tasks.get(instance) {
                None => self.nx_domain(),
                Some((ip, _)) if record_type == RecordType::A => Reply {
                    answers: vec![self.a(&format!("{instance}.{service}"), *ip)],
                    ..Reply::empty(ResponseCode::NoError)
                },
                Some(_) => self.no_data(),
            },
        }
    }

    fn service_answer(&self, service: &str, records: &Service, record_type: RecordType) -> Reply {
        let (answers, additionals) = match record_type {
            RecordType::SRV => {
                let mut answers = Vec::new();
                let mut additionals = Vec::new();
                for (instance, (ip, port)) in &records.tasks {
                    let target = format!("{instance}.{service}");
                    let srv = SRV::new(1, 1, *port, self.name(&target));
                    answers.push(self.record(service, RData::SRV(srv)));
                    additionals.push(self.a(&target, *ip));
                }
                if !self.additional_records.load(Ordering::Relaxed) {
                    additionals.clear();
                }
                (answers, additionals)
            }
            RecordType::A => {
                let ips: BTreeSet<Ipv4Addr> = records
                    .tasks
                    .values()
                    .map(|(ip, _)| *ip)
                    .chain(records.a_only.iter().copied())
                    .collect();
                let answers = ips.into_iter().map(|ip| self.a(service, ip)).collect();
                (answers, Vec::new())
            }
            _ => (Vec::new(), Vec::new()),
        };
        if answers.is_empty() {
            return self.no_data();
        }
        Reply {
            answers,
            additionals,
            ..Reply::empty(ResponseCode::NoError)
        }
    }

    /// The name exists, but not with records of the type asked for.
    fn no_data(&self) -> Reply {
        Reply {
            soa: Some(self.soa()),
            ..Reply::empty(ResponseCode::NoError)
        }
    }

    fn nx_domain(&self) -> Reply {
        Reply {
            soa: Some(self.soa()),
            ..Reply::empty(ResponseCode::NXDomain)
        }
    }

    fn soa(&self) -> Record {
        let soa = SOA::new(
            self.name("ns"),
            self.name("hostmaster"),
            1,
            60,
            10,
            600,
            // The negative TTL: "not registered" holds no longer than records.
            self.ttl,
        );
        Record::from_rdata(self.apex(), self.ttl, RData::SOA(soa))
    }

    fn a(&self, relative: &str, ip: Ipv4Addr) -> Record {
        self.record(relative, RData::A(A(ip)))
    }

    fn record(&self, relative: &str, data: RData) -> Record {
        Record::from_rdata(self.name(relative), self.ttl, data)
    }

    /// `<relative>.<namespace>.`; `relative` is made of checked labels.
    fn name(&self, relative: &str) -> Name {
        Name::from_ascii(format!("{relative}.{}.", self.namespace))
            .expect("labels and namespace were checked when stored")
    }

    fn apex(&self) -> Name {
        Name::from_ascii(format!("{}.", self.namespace)).expect("namespace was checked in new")
    }
}

/// A service name or instance id as one lowercase DNS label.
///
/// # Panics
/// When it is not one: registrations come from `cdd up` and tests, where a
/// bad name is a bug to see at once, not a record that silently never resolves.
fn label(value: &str) -> String {
    let ok = !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    assert!(ok, "{value:?} is not a DNS label (letters, digits, '-')");
    value.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> Zone {
        let zone = Zone::new("cdd.local", Duration::from_secs(10)).unwrap();
        zone.register("screening", "task-1", Ipv4Addr::new(10, 0, 0, 1), 8080);
        zone.register("screening", "task-2", Ipv4Addr::new(10, 0, 0, 2), 9090);
        zone.register_a_only("letters", Ipv4Addr::new(10, 0, 1, 1));
        zone
    }

    #[test]
    fn srv_per_task_with_targets_in_additionals() {
        let reply = zone().answer("Screening.CDD.local.", RecordType::SRV);
        assert_eq!(reply.code, ResponseCode::NoError);
        let srv: Vec<String> = reply.answers.iter().map(|r| r.data.to_string()).collect();
        assert_eq!(
            srv,
            [
                "1 1 8080 task-1.screening.cdd.local.",
                "1 1 9090 task-2.screening.cdd.local."
            ]
        );
        assert_eq!(reply.additionals.len(), 2);
        assert!(reply.answers.iter().all(|r| r.ttl == 10));
    }

    #[test]
    fn a_on_service_and_instance_names() {
        let zone = zone();
        assert_eq!(
            zone.answer("screening.cdd.local", RecordType::A)
                .answers
                .len(),
            2
        );
        let task = zone.answer("task-2.screening.cdd.local.", RecordType::A);
        assert_eq!(task.answers[0].data.to_string(), "10.0.0.2");
    }

    #[test]
    fn a_only_service_has_no_srv() {
        let zone = zone();
        let srv = zone.answer("letters.cdd.local.", RecordType::SRV);
        assert_eq!(srv.code, ResponseCode::NoError);
        assert!(srv.answers.is_empty() && srv.soa.is_some());
        assert_eq!(
            zone.answer("letters.cdd.local.", RecordType::A)
                .answers
                .len(),
            1
        );
    }

    #[test]
    fn unknown_names_are_nxdomain_and_foreign_ones_refused() {
        let zone = zone();
        assert_eq!(
            zone.answer("nosuch.cdd.local.", RecordType::SRV).code,
            ResponseCode::NXDomain
        );
        assert_eq!(
            zone.answer("task-9.screening.cdd.local.", RecordType::A)
                .code,
            ResponseCode::NXDomain
        );
        assert_eq!(
            zone.answer("example.com.", RecordType::A).code,
            ResponseCode::Refused
        );
        assert_eq!(
            zone.answer("xcdd.local.", RecordType::A).code,
            ResponseCode::Refused
        );
    }

    #[test]
    fn deregistering_the_last_task_removes_the_service() {
        let zone = zone();
        zone.deregister("screening", "task-1");
        zone.deregister("screening", "task-2");
        assert_eq!(
            zone.answer("screening.cdd.local.", RecordType::A).code,
            ResponseCode::NXDomain
        );
    }
}
