//! The instance list of each service, kept until its records' TTL runs out.
//!
//! Only successful resolutions are kept: a failed one is asked again on the
//! next call, so that a service that comes up is found at once. Calls that
//! miss at the same moment each ask DNS; with a 10 s TTL that is a handful of
//! queries, not worth making callers wait on one another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::instance::Instance;

#[derive(Default)]
pub(crate) struct InstanceCache {
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    instances: Arc<[Instance]>,
    expires: Instant,
}

impl InstanceCache {
    /// The instances of `service` if they were resolved less than their TTL ago.
    pub fn get(&self, service: &str, now: Instant) -> Option<Arc<[Instance]>> {
        let mut entries = self.entries();
        match entries.get(service) {
            Some(entry) if now < entry.expires => Some(entry.instances.clone()),
            Some(_) => {
                entries.remove(service);
                None
            }
            None => None,
        }
    }

    pub fn put(&self, service: &str, instances: Arc<[Instance]>, ttl: Duration, now: Instant) {
        let entry = Entry {
            instances,
            expires: now + ttl,
        };
        self.entries().insert(service.to_owned(), entry);
    }

    /// Forgets `service`, so that the next call resolves it again.
    pub fn invalidate(&self, service: &str) {
        self.entries().remove(service);
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // A panic elsewhere cannot leave a half-written entry: every change
        // is one insert or remove, so the map is still good to use.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instances() -> Arc<[Instance]> {
        Arc::from(vec![Instance::at(
            "10.0.0.1:8080".parse().unwrap(),
            "t1".into(),
        )])
    }

    #[test]
    fn kept_for_the_ttl_and_not_after() {
        let cache = InstanceCache::default();
        let now = Instant::now();
        cache.put("screening", instances(), Duration::from_secs(10), now);
        assert!(
            cache
                .get("screening", now + Duration::from_secs(9))
                .is_some()
        );
        assert!(
            cache
                .get("screening", now + Duration::from_secs(10))
                .is_none()
        );
        assert!(cache.get("letters", now).is_none());
    }

    #[test]
    fn invalidate_forgets() {
        let cache = InstanceCache::default();
        let now = Instant::now();
        cache.put("screening", instances(), Duration::from_secs(10), now);
        cache.invalidate("screening");
        assert!(cache.get("screening", now).is_none());
    }
}
