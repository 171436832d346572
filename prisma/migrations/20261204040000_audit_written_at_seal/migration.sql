-- A transaction's audit entries are now written when it is sealed, already numbered after the chain
-- head, in the statement that takes the head's lock (server/audit/chain.ts): nothing is left to number
-- entry by entry.
DROP FUNCTION backup_audit_number();
