//! Deploying a new function version while the system runs: all at once, canary or linear.
//! In-flight invocations finish on the version they started on; new ones are routed by
//! weight; warm environments belong to one version, so the new one starts cold.

use super::command::CommandError;
use super::engine::{Ev, Simulation};
use super::function::{FnVersion, Shift};
use super::log::Level;
use super::time::from_ms;
use crate::model::{DeployStrategy, FunctionParams, NodeId};

impl Simulation {
    /// Deploys `params` as the next version of function `node`; returns the version number.
    /// A canary or linear shift that names an alarm is rolled back when that alarm is in
    /// ALARM at one of its evaluations (CodeDeploy's alarm-based automatic rollback).
    pub fn deploy(
        &mut self,
        node: &NodeId,
        params: &FunctionParams,
        strategy: &DeployStrategy,
    ) -> Result<u32, CommandError> {
        let rollback_on_alarm = strategy.rollback_on_alarm();
        let Some(&f) = self.topo.index.get(node) else {
            return Err(CommandError::NoNode(node.clone()));
        };
        let rollback_on = match rollback_on_alarm {
            Some(name) => Some(
                self.alarm_index(name)
                    .ok_or_else(|| CommandError::NoAlarm(name.to_owned()))?,
            ),
            None => None,
        };
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return Err(CommandError::NotAFunction(node.clone()));
        };
        if fs.shift.is_some() {
            return Err(CommandError::StillShifting(node.clone()));
        }
        let number = fs.versions.len() as u32 + 1;
        fs.versions
            .push(FnVersion::new(number, params, &self.topo.project));
        let to = number - 1;
        let msg = match strategy {
            DeployStrategy::AllAtOnce => {
                fs.served_before.push(fs.current);
                fs.current = to;
                format!("deployed v{number} (all at once)")
            }
            DeployStrategy::Canary {
                percent, after_ms, ..
            } => {
                let w = (percent / 100.0).clamp(0.0, 1.0);
                fs.shift = Some(Shift {
                    to,
                    weight: w,
                    step: 1.0,
                    every: from_ms(*after_ms).max(1),
                    rollback_on,
                });
                self.schedule(now + from_ms(*after_ms).max(1), Ev::DeployStep(f as u32));
                format!("deploying v{number}: canary {percent}% for {after_ms} ms")
            }
            DeployStrategy::Linear {
                percent, every_ms, ..
            } => {
                let w = (percent / 100.0).clamp(0.0, 1.0).max(0.01);
                fs.shift = Some(Shift {
                    to,
                    weight: w,
                    step: w,
                    every: from_ms(*every_ms).max(1),
                    rollback_on,
                });
                self.schedule(now + from_ms(*every_ms).max(1), Ev::DeployStep(f as u32));
                format!("deploying v{number}: +{percent}% every {every_ms} ms")
            }
        };
        let msg = match rollback_on_alarm {
            Some(name) if fs_shifting(self, f) => {
                format!("{msg}, rolled back if alarm '{name}' fires")
            }
            _ => msg,
        };
        self.log(f, Level::Info, 0, msg);
        Ok(number)
    }

    pub(crate) fn deploy_step(&mut self, f: usize) {
        let now = self.now;
        let Some(fs) = self.fns[f].as_mut() else {
            return;
        };
        let Some(shift) = fs.shift.as_mut() else {
            return;
        };
        shift.weight = (shift.weight + shift.step).min(1.0);
        // Tolerance: ten steps of 0.1 add up to 0.999…9 in floating point, which would
        // take one extra step (and leave v1 a 1e-16 share) before the switch.
        if shift.weight >= 1.0 - 1e-9 {
            let to = shift.to;
            fs.served_before.push(fs.current);
            fs.current = to;
            fs.shift = None;
            let number = fs.versions[to as usize].number;
            self.log(
                f,
                Level::Info,
                0,
                format!("v{number} now serves all traffic"),
            );
        } else {
            let every = shift.every;
            self.schedule(now + every, Ev::DeployStep(f as u32));
        }
    }

    /// Alarm `alarm` is in ALARM: every shift it guards is called off, all traffic going
    /// back to the version it was shifting from.
    pub(crate) fn rollback_on_alarm(&mut self, alarm: usize) {
        for f in 0..self.fns.len() {
            let Some(fs) = self.fns[f].as_mut() else {
                continue;
            };
            if fs
                .shift
                .as_ref()
                .is_none_or(|s| s.rollback_on != Some(alarm as u32))
            {
                continue;
            }
            fs.shift = None;
            let number = fs.versions[fs.current as usize].number;
            let name = self.alarm_name(alarm);
            let msg = format!("rolled back to v{number}: alarm '{name}' fired during the shift");
            self.log(f, Level::Warn, 0, msg);
        }
    }

    /// Rolls back at once (e.g. after a bad canary): a deploy still shifting traffic is
    /// called off, leaving all traffic on the version it was shifting from; otherwise the
    /// version that served all traffic before the current one takes it back.
    pub fn rollback(&mut self, node: &NodeId) -> Result<u32, CommandError> {
        let Some(&f) = self.topo.index.get(node) else {
            return Err(CommandError::NoNode(node.clone()));
        };
        let Some(fs) = self.fns[f].as_mut() else {
            return Err(CommandError::NotAFunction(node.clone()));
        };
        let target = match fs.shift.take() {
            Some(_) => fs.current,
            None => match fs.served_before.pop() {
                Some(v) => v,
                None => return Err(CommandError::NoEarlierVersion),
            },
        };
        let params_number = fs.versions[target as usize].number;
        fs.current = target;
        self.log(
            f,
            Level::Warn,
            0,
            format!("rolled back to v{params_number}"),
        );
        Ok(params_number)
    }
}

fn fs_shifting(sim: &Simulation, f: usize) -> bool {
    sim.fns[f].as_ref().is_some_and(|fs| fs.shift.is_some())
}
