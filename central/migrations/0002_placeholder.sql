-- Placeholder so the branch "truth" runs migration 0003 (numbers must run 1..N without gaps). Number 0002
-- belongs to another branch: delete this file when that branch's 0002 is merged.
SELECT 1;
