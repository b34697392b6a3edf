-- Each deal's terms as the period reports read them (ledger/terms.py): the consultant, the 签约 deadline and
-- date, the payment plan (JSON list of {item, amount, due, loan}) and the discounts (JSON list of {name, kind,
-- rate_pct, amount, approved_by, approver_role}). A SQLite ledger of the reports' version before migrations had
-- them in `deals` already; 0002 rebuilt `deals` without them, so schema.create kept them aside in `deal_terms`
-- (made empty here where there is none) and they are put back here.
CREATE TABLE IF NOT EXISTS deal_terms (
    deal_no TEXT PRIMARY KEY, salesperson TEXT, sign_deadline TEXT, sign_date TEXT, plan TEXT, discounts TEXT
);
ALTER TABLE deals ADD COLUMN salesperson TEXT;
ALTER TABLE deals ADD COLUMN sign_deadline TEXT;
ALTER TABLE deals ADD COLUMN sign_date TEXT;
ALTER TABLE deals ADD COLUMN plan TEXT;
ALTER TABLE deals ADD COLUMN discounts TEXT;
UPDATE deals SET (salesperson, sign_deadline, sign_date, plan, discounts) = (
    SELECT t.salesperson, t.sign_deadline, t.sign_date, t.plan, t.discounts FROM deal_terms t
    WHERE t.deal_no = deals.deal_no
) WHERE deal_no IN (SELECT deal_no FROM deal_terms);
DROP TABLE deal_terms;
