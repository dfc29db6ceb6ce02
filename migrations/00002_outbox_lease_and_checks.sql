-- The e-mail outbox claims one message at a time under a lease instead of holding a
-- transaction across SMTP calls; and the schema catches up with rules the domain already
-- enforces (roles of invitations and tokens, one institution per number in a region) and
-- indexes the foreign keys that lacked one.

-- +goose Up
ALTER TABLE email_outbox ADD COLUMN locked_until TIMESTAMPTZ;

ALTER TABLE invitations ADD CONSTRAINT invitations_role_check CHECK (role IN ('requester', 'approver', 'procurement_officer',
    'producer_manager', 'workshop_master', 'accountant', 'inspector', 'auditor', 'admin'));
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('requester', 'approver', 'procurement_officer',
    'producer_manager', 'workshop_master', 'accountant', 'inspector', 'auditor', 'admin'));

CREATE UNIQUE INDEX organizations_institution_number ON organizations (region, institution_number)
    WHERE institution_number IS NOT NULL;
CREATE INDEX organizations_oversight_org ON organizations (oversight_org_id) WHERE oversight_org_id IS NOT NULL;
CREATE INDEX invitations_invited_by ON invitations (invited_by);
CREATE INDEX api_tokens_created_by ON api_tokens (created_by);

-- +goose Down
DROP INDEX api_tokens_created_by;
DROP INDEX invitations_invited_by;
DROP INDEX organizations_oversight_org;
DROP INDEX organizations_institution_number;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE email_outbox DROP COLUMN locked_until;
