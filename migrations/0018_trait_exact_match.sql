-- Key-value rules match as AAM's FAQ says ("profile or key-value data is not case-sensitive"): keys and
-- values compared without regard to case, unless a trait asks for exact matching. Traits saved before
-- matched exactly, and keep doing so; new traits default to AAM's way.
ALTER TABLE traits ADD COLUMN exact_match INTEGER NOT NULL DEFAULT 0;
UPDATE traits SET exact_match = 1;
