//! The warm pool: idle environments reclaimed after their keep-alive, killed by a fault,
//! and provisioned environments billed in 5-minute blocks.

use super::*;

impl Simulation {
    /// Reclaims idle environments whose keep-alive ran out.
    pub(crate) fn expire_idle(&mut self, f: usize) {
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return;
        };
        fs.expiry_at = None;
        let mut next = None;
        while let Some(front) = fs.idle.front() {
            let keep = fs.versions[front.version as usize].keep_alive;
            if front.since + keep <= now {
                fs.idle.pop_front();
            } else {
                next = Some(front.since + keep);
                fs.expiry_at = next;
                break;
            }
        }
        let idle = fs.idle.len() as u64 + u64::from(fs.prov_idle);
        if let Some(at) = next {
            self.schedule(at, Ev::Expire(f as u32));
        }
        self.stats[f].idle.set(now, idle);
    }

    /// Kills every warm environment: idle ones now, busy ones when they finish.
    pub(crate) fn kill_warm(&mut self, f: usize) {
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return;
        };
        fs.idle.clear();
        fs.kill_gen += 1;
        let idle = u64::from(fs.prov_idle);
        self.stats[f].idle.set(now, idle);
        self.log(
            f,
            Level::Warn,
            0,
            "all warm environments killed (fault): next requests start cold".to_owned(),
        );
    }

    pub(crate) fn init_provisioned(&mut self) {
        self.bill_provisioned(); // the first 5-minute block, from the start
        for f in 0..self.fns.len() {
            if let Some(fs) = self.fns[f].as_ref()
                && fs.prov_total > 0
            {
                let p = u64::from(fs.prov_total);
                self.stats[f].idle.set(0, p);
            }
        }
    }

    /// Bills provisioned environments in 5-minute blocks: AWS bills provisioned concurrency
    /// from when it is enabled (the start of the run here), rounded up to 5 minutes. A block
    /// is billed when it begins (checked at the start and every simulated second).
    pub(crate) fn bill_provisioned(&mut self) {
        let block = from_ms(PROVISIONED_BLOCK_MS);
        let due = self.now.div_ceil(block).max(1);
        while self.prov_blocks < due {
            self.prov_blocks += 1;
            for f in 0..self.fns.len() {
                let cost = self.provisioned_cost_per_s(f) * (block / SEC) as f64;
                if cost > 0.0 {
                    self.stats[f].bill_fixed(cost);
                }
            }
        }
    }

    /// What keeping `f`'s provisioned environments costs per second, $ (0 without any).
    pub(crate) fn provisioned_cost_per_s(&self, f: usize) -> f64 {
        self.fns[f].as_ref().map_or(0.0, |fs| {
            f64::from(fs.prov_total) * fs.versions[fs.current as usize].bill.provisioned_per_s
        })
    }
}
