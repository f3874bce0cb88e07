-- Paying a bill on the phone through a payment gateway (docs/design/payments.md).
--
-- pay_orders: one order per attempt to pay a bill through a gateway; `id` is the merchant
-- order number sent to the gateway (out_trade_no). `amount_fen` is what the patient pays
-- through it. `status`: pending → paid | closed (expired, replaced or failed) | refund-due
-- (the money arrived for a bill that no longer needs it) → refunded. A notice applies to an
-- order once: the order row is updated conditionally in the notice's transaction.
CREATE TABLE pay_orders (
    id           TEXT PRIMARY KEY,
    bill_id      TEXT NOT NULL,
    patient_id   TEXT NOT NULL,
    channel      TEXT NOT NULL,
    provider     TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    checkout_url TEXT,
    gateway_txn  TEXT,
    entry_id     TEXT,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    paid_at      BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX pay_orders_by_bill ON pay_orders (bill_id);
CREATE INDEX pay_orders_by_status ON pay_orders (status, expires_at);
CREATE UNIQUE INDEX pay_orders_by_entry ON pay_orders (entry_id);

-- Money going back through a gateway: a ledger refund of an online payment (`entry_id`),
-- or the whole of an order whose money could not be applied (`entry_id` NULL). `id` is the
-- merchant refund number (out_refund_no). Sent by a worker until the gateway accepts it.
CREATE TABLE gateway_refunds (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL,
    entry_id    TEXT,
    amount_fen  BIGINT NOT NULL,
    status      TEXT NOT NULL,
    attempts    BIGINT NOT NULL,
    last_answer TEXT,
    next_at     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX gateway_refunds_by_status ON gateway_refunds (status, next_at);
CREATE INDEX gateway_refunds_by_order ON gateway_refunds (order_id);

-- The nonces of verified notifications within the replay window: a second notification
-- with a nonce already seen is a replay and is refused.
CREATE TABLE gateway_nonces (
    provider TEXT NOT NULL,
    nonce    TEXT NOT NULL,
    seen_at  BIGINT NOT NULL,
    PRIMARY KEY (provider, nonce)
);
CREATE INDEX gateway_nonces_by_time ON gateway_nonces (seen_at);

-- Every notification received, with what was done with it (applied, repeat, refund-due,
-- refused and why): the trail an operator reads when a payment is questioned.
CREATE TABLE gateway_callbacks (
    id          TEXT PRIMARY KEY,
    provider    TEXT NOT NULL,
    order_id    TEXT,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX gateway_callbacks_by_time ON gateway_callbacks (received_at);

-- The sandbox gateway Huimin serves for the demo and the browser tests: its own side of
-- each trade and refund, as a real gateway keeps them (it is another party: Huimin's
-- billing never reads these tables).
CREATE TABLE sandbox_trades (
    out_trade_no TEXT PRIMARY KEY,
    channel      TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL,
    description  TEXT NOT NULL,
    notify_url   TEXT NOT NULL,
    return_url   TEXT NOT NULL,
    state        TEXT NOT NULL,
    transaction_id TEXT,
    paid_at      BIGINT,
    refunded_fen BIGINT NOT NULL,
    notify_due   BIGINT,
    notify_left  BIGINT NOT NULL,
    notify_attempts BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX sandbox_trades_by_notify ON sandbox_trades (notify_due);

CREATE TABLE sandbox_refunds (
    out_refund_no TEXT PRIMARY KEY,
    out_trade_no  TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
