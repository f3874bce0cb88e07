//! Profiling just the measured part of a run with Linux `perf`.
//!
//! The setup (thousands of patients) takes a minute and the measured burst under a second, so
//! a profile of the whole process says little about the burst. With
//! `HUIMIN_BENCH_PERF_CTL` naming the control FIFO of a `perf record` started disabled
//! (`perf record --control fifo:PATH -D -1 …`), the bench enables the recording at the release
//! instant and disables it after the last answer (`docs/benchmarks.md`, "Profiling").

use std::io::Write;

/// The variable that names `perf record`'s control FIFO.
pub const CONTROL_VARIABLE: &str = "HUIMIN_BENCH_PERF_CTL";

/// An open control FIFO, or nothing when the variable is unset.
pub struct PerfControl(Option<std::fs::File>);

impl PerfControl {
    /// Opens the FIFO the variable names; without the variable, every call does nothing.
    pub fn from_env() -> anyhow::Result<Self> {
        let Some(path) = std::env::var_os(CONTROL_VARIABLE) else {
            return Ok(Self(None));
        };
        let fifo = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|err| anyhow::anyhow!("{CONTROL_VARIABLE}={path:?}: {err}"))?;
        Ok(Self(Some(fifo)))
    }

    pub fn enable(&mut self) {
        self.send(b"enable\n");
    }

    pub fn disable(&mut self) {
        self.send(b"disable\n");
    }

    fn send(&mut self, command: &[u8]) {
        if let Some(fifo) = &mut self.0 {
            // A profile that misses its start is no reason to fail the measured run.
            if let Err(err) = fifo.write_all(command).and_then(|()| fifo.flush()) {
                eprintln!("perf control: {err}");
            }
        }
    }
}
