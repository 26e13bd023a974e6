//! The order in which one call tries a service's instances.
//!
//! Each call starts one instance further along the list than the call before
//! (round-robin per service), so the load spreads evenly over instances that
//! answer. An instance that failed a call recently goes to the back of the
//! order for [`COOLDOWN`]: later calls stop paying for its failure, yet it is
//! still tried when every other instance fails too, so a service whose only
//! instance had a blip is not reported unavailable without being asked.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::instance::Instance;

/// How long a failed instance stays at the back of the order. Long enough to
/// cover the gap between an ECS task dying and Cloud Map dropping its records
/// for most calls, short enough that a restarted instance gets traffic soon.
pub(crate) const COOLDOWN: Duration = Duration::from_secs(5);

#[derive(Default)]
pub(crate) struct Balancer {
    /// Service → index of the instance the next call starts at.
    next: Mutex<HashMap<String, usize>>,
    /// Instance address → until when it stays at the back.
    failed: Mutex<HashMap<String, Instant>>,
}

impl Balancer {
    /// Every instance of `service`, in the order this call should try them.
    pub fn order(&self, service: &str, instances: &[Instance], now: Instant) -> Vec<Instance> {
        if instances.is_empty() {
            return Vec::new();
        }
        let start = {
            let mut next = lock(&self.next);
            let next = next.entry(service.to_owned()).or_default();
            let start = *next;
            *next = next.wrapping_add(1);
            start
        };
        let rotated = (0..instances.len()).map(|i| &instances[(start + i) % instances.len()]);

        let mut failed = lock(&self.failed);
        failed.retain(|_, until| now < *until);
        let (cooling, ready): (Vec<&Instance>, Vec<&Instance>) =
            rotated.partition(|instance| failed.contains_key(&instance.address()));
        ready.into_iter().chain(cooling).cloned().collect()
    }

    pub fn failed(&self, instance: &Instance, now: Instant) {
        lock(&self.failed).insert(instance.address(), now + COOLDOWN);
    }

    pub fn succeeded(&self, instance: &Instance) {
        lock(&self.failed).remove(&instance.address());
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every change under these locks is a single insert, remove or increment,
    // so a panic elsewhere cannot leave the maps inconsistent.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instances() -> Vec<Instance> {
        ["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"]
            .into_iter()
            .map(|a| Instance::at(a.parse().unwrap(), a.into()))
            .collect()
    }

    fn addresses(order: &[Instance]) -> Vec<String> {
        order.iter().map(Instance::address).collect()
    }

    #[test]
    fn each_call_starts_one_further() {
        let balancer = Balancer::default();
        let all = instances();
        let now = Instant::now();
        let firsts: Vec<String> = (0..4)
            .map(|_| balancer.order("screening", &all, now)[0].address())
            .collect();
        assert_eq!(
            firsts,
            [
                "10.0.0.1:8080",
                "10.0.0.2:8080",
                "10.0.0.3:8080",
                "10.0.0.1:8080"
            ]
        );
        // Another service has its own turn.
        assert_eq!(
            balancer.order("letters", &all, now)[0].address(),
            "10.0.0.1:8080"
        );
    }

    #[test]
    fn a_failed_instance_goes_last_until_its_cooldown_ends() {
        let balancer = Balancer::default();
        let all = instances();
        let now = Instant::now();
        balancer.failed(&all[0], now);
        assert_eq!(
            addresses(&balancer.order("screening", &all, now)),
            ["10.0.0.2:8080", "10.0.0.3:8080", "10.0.0.1:8080"]
        );
        let later = now + COOLDOWN;
        assert_eq!(
            addresses(&balancer.order("screening", &all, later)),
            ["10.0.0.2:8080", "10.0.0.3:8080", "10.0.0.1:8080"],
            "second call starts at the second instance; none is cooling"
        );
        assert_eq!(
            balancer.order("screening", &all, later)[0].address(),
            "10.0.0.3:8080"
        );
    }

    #[test]
    fn success_ends_the_cooldown() {
        let balancer = Balancer::default();
        let all = instances();
        let now = Instant::now();
        balancer.failed(&all[0], now);
        balancer.succeeded(&all[0]);
        assert_eq!(
            balancer.order("screening", &all, now)[0].address(),
            "10.0.0.1:8080"
        );
    }
}
