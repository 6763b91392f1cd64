//! Keeping the store within its disk budget: measuring it, pruning in a fixed order of what
//! matters least, and handing pages back to the file system. Never prunes an undelivered
//! summary below the hard cap.

use super::{Store, StoreError};

impl Store {
    /// Bytes the database holds (pages in use, the write-ahead log's content included).
    pub fn used_bytes(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()",
                [],
                |row| row.get(0),
            )
            .map_err(self.error("measuring the store"))
    }

    /// Prunes until the store fits `budget` bytes, in this order: delivered outbox rows (oldest
    /// first); segments and insights waiting to go upstream (optional extras); the segments,
    /// then the insights, of the oldest meetings; summaries already delivered. Undelivered
    /// summaries go only past `hard_cap` bytes, oldest first, and the report says so (health
    /// raises an alert).
    pub fn enforce_budget(&mut self, budget: u64, hard_cap: u64) -> Result<BudgetReport, StoreError> {
        let mut report = BudgetReport {
            used_bytes: self.used_bytes()?,
            ..BudgetReport::default()
        };
        if report.used_bytes <= budget {
            return Ok(report);
        }
        // Small batches, measured after each: pruning stops as soon as the store fits.
        const WITHIN_BUDGET: [&str; 5] = [
            "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE delivered_ms IS NOT NULL ORDER BY seq LIMIT 20)",
            "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE kind != 'summary' ORDER BY seq LIMIT 20)",
            "DELETE FROM segments WHERE id IN (SELECT id FROM segments ORDER BY record_seq LIMIT 20)",
            "DELETE FROM insights WHERE id IN (SELECT id FROM insights ORDER BY record_seq LIMIT 20)",
            "DELETE FROM summaries WHERE id IN (SELECT id FROM summaries WHERE record_seq NOT IN \
             (SELECT record_seq FROM outbox) ORDER BY record_seq LIMIT 5)",
        ];
        const PAST_HARD_CAP: &str =
            "DELETE FROM summaries WHERE record_seq IN (SELECT record_seq FROM outbox ORDER BY seq LIMIT 1); \
             DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT 1)";
        for sql in WITHIN_BUDGET {
            while report.used_bytes > budget {
                let deleted = self.conn.execute(sql, []).map_err(self.error("pruning the store"))?;
                if deleted == 0 {
                    break;
                }
                report.pruned_rows += deleted as u64;
                report.used_bytes = self.vacuum_and_measure()?;
            }
        }
        while report.used_bytes > hard_cap {
            let before: u64 = self
                .conn
                .query_row("SELECT count(*) FROM outbox", [], |row| row.get(0))
                .map_err(self.error("pruning the store"))?;
            if before == 0 {
                break;
            }
            self.conn
                .execute_batch(PAST_HARD_CAP)
                .map_err(self.error("pruning the store"))?;
            let after: u64 = self
                .conn
                .query_row("SELECT count(*) FROM outbox", [], |row| row.get(0))
                .map_err(self.error("pruning the store"))?;
            report.summaries_pruned += before - after;
            report.pruned_rows += before - after;
            report.used_bytes = self.vacuum_and_measure()?;
        }
        report.over_hard_cap = report.used_bytes > hard_cap;
        Ok(report)
    }

    /// Hands freed pages back to the file system and measures again.
    fn vacuum_and_measure(&mut self) -> Result<u64, StoreError> {
        self.conn
            .execute_batch("PRAGMA incremental_vacuum")
            .map_err(self.error("returning pruned pages"))?;
        self.used_bytes()
    }
}

/// What `enforce_budget` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetReport {
    pub used_bytes: u64,
    pub pruned_rows: u64,
    /// Undelivered summaries pruned because the hard cap was reached (each one is data lost
    /// upstream: health raises an alert).
    pub summaries_pruned: u64,
    pub over_hard_cap: bool,
}
