"""Synthetic security-event feature matrices with the shape of the scorer's export: mostly-zero
counts with long tails, 0/1 flags, ratios and scores, grouped by event family. Benign rows train
the models in tests; attack rows (brute force, fast and slow port scans, web scan, SQL injection, rogue account) check that the
models find what they should. Each row sets at most one family flag (`is_*`), and only the
features of that family (an "other" row, cron or a daemon, sets none). Run as a script to write a CSV and a feature spec."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

# (name, kind, windowed, families): modelled on scorer/features/definitions.ts (a test keeps them equal).
A, F, W, P = ("auth",), ("firewall",), ("web",), ("privilege",)
FEATURES = (
    ("is_auth", "flag", False, ()), ("is_firewall", "flag", False, ()), ("is_web", "flag", False, ()),
    ("is_privilege", "flag", False, ()), ("auth_failure", "flag", False, A),
    ("auth_fail_ip_1m", "count", True, A), ("auth_fail_ip_10m", "count", True, A), ("auth_fail_ip_1h", "count", True, A),
    ("auth_fail_ip_24h", "count", True, A), ("auth_fail_ip_7d", "count", True, A),
    ("users_tried_ip_1h", "count", True, A), ("users_tried_ip_24h", "count", True, A),
    ("fail_ips_user_1h", "count", True, A), ("fail_ips_user_surge", "count", True, A),
    ("failure_burst_before_success", "count", True, A),
    ("new_ip", "flag", True, ("auth", "firewall", "web")), ("new_user_ip_login", "flag", True, A),
    ("new_user_net_login", "flag", True, A), ("new_org_net_login", "flag", True, A),
    ("new_user_country_login", "flag", True, A), ("new_user_asn_login", "flag", True, A),
    ("login_country_rarity_host", "score", True, A), ("impossible_travel", "flag", True, A), ("login_hour_rarity_user", "score", True, A),
    ("activity_hour_rarity_host", "score", True, ("auth", "privilege")), ("privileged_user", "flag", False, A),
    ("sudo_fail_user_1h", "count", True, P), ("not_in_sudoers", "flag", False, P),
    ("account_created", "flag", False, P), ("account_created_uid0", "flag", False, P), ("admin_group_added", "flag", False, P),
    ("ports_ip_1m", "count", True, F), ("ports_ip_30m", "count", True, F),
    ("ports_ip_7d", "count", True, F), ("hosts_ip_30m", "count", True, F), ("hosts_ip_24h", "count", True, F),
    ("web_paths_ip_10m", "count", True, W), ("web_error_paths_ip_10m", "count", True, W),
    ("web_error_paths_ip_24h", "count", True, W), ("probes_ip_24h", "count", True, W), ("web_login_fail_ip_1h", "count", True, W),
    ("sqli_score", "score", False, W), ("path_traversal", "flag", False, W), ("scanner_user_agent", "flag", False, W),
)
COLUMN = {name: index for index, (name, _, _, _) in enumerate(FEATURES)}
FAMILY_COLUMNS = {family: [index for index, feature in enumerate(FEATURES) if family in feature[3]]
                  for family in ("auth", "firewall", "web", "privilege")}
ATTACKS = ("ssh_brute_force", "port_scan", "port_scan_slow", "web_scan", "sql_injection", "rogue_account")


def feature_spec() -> list[dict]:
    return [{"name": name, "kind": kind, "windowed": windowed, "families": list(families), "description": f"synthetic {name}"}
            for name, kind, windowed, families in FEATURES]


class _Rows:
    """A block of rows of one event family, filled column by column."""

    def __init__(self, count: int, rng: np.random.Generator) -> None:
        self.values = np.zeros((count, len(FEATURES)))
        self.rng = rng
        self.count = count

    def set(self, name: str, values: np.ndarray | float) -> np.ndarray:
        self.values[:, COLUMN[name]] = values
        return self.values[:, COLUMN[name]]

    def flag(self, name: str, probability: float) -> np.ndarray:
        return self.set(name, (self.rng.random(self.count) < probability).astype(float))

    def tail_count(self, name: str, zero_share: float, mean: float) -> np.ndarray:
        """Zero for most rows, otherwise 1 + a geometric tail."""
        nonzero = self.rng.random(self.count) >= zero_share
        return self.set(name, np.where(nonzero, self.rng.geometric(1.0 / mean, self.count), 0))


def _web(rows: _Rows, attack: bool) -> None:
    rng, n = rows.rng, rows.count
    rows.set("is_web", 1)
    paths = rng.integers(60, 400, n) if attack else np.ceil(rng.lognormal(np.log(4), 0.8, n))
    rows.set("web_paths_ip_10m", paths)
    # Benign clients' error paths come and go apart from how much they browse (a broken link, an
    # expired session): drawn independently, as they are in the real matrix.
    errors = np.ceil(paths * rng.uniform(0.6, 0.95, n)) if attack else (rng.random(n) < 0.1) * rng.geometric(0.6, n)
    rows.set("web_error_paths_ip_10m", errors)
    rows.set("web_error_paths_ip_24h", errors + rng.integers(0, 50, n) if attack else (rng.random(n) < 0.15) * rng.geometric(0.5, n))
    rows.set("probes_ip_24h", rng.integers(3, 60, n) if attack else (rng.random(n) < 0.002).astype(float))
    rows.set("web_login_fail_ip_1h", rng.integers(3, 40, n) if attack else (rng.random(n) < 0.003) * rng.geometric(0.6, n))
    rows.flag("path_traversal", 0.3 if attack else 0.0005)
    rows.flag("scanner_user_agent", 0.6 if attack else 0.001)
    rows.set("sqli_score", np.where(rng.random(n) < 0.002, 1, 0))
    rows.flag("new_ip", 0.9 if attack else 0.05)


def _sql_injection(rows: _Rows) -> None:
    """Per-event anomaly: a single request whose URL carries an injection payload."""
    _web(rows, attack=False)
    rng, n = rows.rng, rows.count
    rows.set("sqli_score", rng.integers(4, 9, n))
    rows.set("web_error_paths_ip_10m", 1)
    rows.set("web_error_paths_ip_24h", 1)


def _firewall(rows: _Rows, attack: bool) -> None:
    rng, n = rows.rng, rows.count
    rows.set("is_firewall", 1)
    rows.flag("new_ip", 0.95 if attack else 0.6)
    ports_1m = rng.integers(30, 600, n) if attack else rng.geometric(0.85, n)
    rows.set("ports_ip_1m", ports_1m)
    ports_30m = rows.set("ports_ip_30m", ports_1m * (rng.uniform(2, 8, n) if attack else 1) + (0 if attack else rng.geometric(0.6, n) - 1))
    rows.set("ports_ip_7d", ports_30m + (rng.integers(0, 400, n) if attack else rng.geometric(0.4, n) - 1))
    hosts = rows.set("hosts_ip_30m", np.ones(n) if attack else rng.geometric(0.95, n))
    rows.set("hosts_ip_24h", hosts + (0 if attack else rng.geometric(0.9, n) - 1))


def _slow_port_scan(rows: _Rows) -> None:
    """A port every minute or two: nothing unusual within one minute, only the long windows show it."""
    rng, n = rows.rng, rows.count
    rows.set("is_firewall", 1)
    rows.flag("new_ip", 0.3)
    rows.set("ports_ip_1m", rng.integers(1, 3, n))
    ports_30m = rows.set("ports_ip_30m", rng.integers(20, 60, n))
    rows.set("ports_ip_7d", ports_30m + rng.integers(0, 80, n))
    rows.set("hosts_ip_30m", 1)
    rows.set("hosts_ip_24h", 1)


def _auth(rows: _Rows, attack: bool) -> None:
    rng, n = rows.rng, rows.count
    rows.set("is_auth", 1)
    failure = np.ones(n) if attack else (rng.random(n) < 0.15).astype(float)
    rows.set("auth_failure", failure)
    if attack:
        per_minute = rng.integers(8, 60, n)
        rows.set("auth_fail_ip_1m", per_minute)
        rows.set("auth_fail_ip_10m", per_minute * rng.uniform(5, 10, n))
        hour = rows.set("auth_fail_ip_1h", per_minute * rng.uniform(20, 60, n))
        day = rows.set("auth_fail_ip_24h", hour * rng.uniform(1, 3, n))
        rows.set("auth_fail_ip_7d", day * rng.uniform(1, 2, n))
        rows.set("users_tried_ip_1h", rng.integers(10, 400, n))
        rows.set("users_tried_ip_24h", rows.values[:, COLUMN["users_tried_ip_1h"]] * rng.uniform(1, 3, n))
        rows.set("fail_ips_user_1h", rng.geometric(0.7, n))
        rows.set("fail_ips_user_surge", np.zeros(n))
        rows.flag("new_ip", 0.95)
        rows.flag("privileged_user", 0.4)
        rows.set("activity_hour_rarity_host", rng.exponential(0.8, n).clip(0, 8))
        return
    # Benign: workforce logins, typos, and the slow background of internet password guessing.
    fail_1m = np.where(failure > 0, rng.geometric(0.75, n), 0)
    rows.set("auth_fail_ip_1m", fail_1m)
    rows.set("auth_fail_ip_10m", np.where(failure > 0, fail_1m + rng.geometric(0.5, n) - 1, 0))
    rows.set("auth_fail_ip_1h", np.where(failure > 0, rows.values[:, COLUMN["auth_fail_ip_10m"]] + rng.geometric(0.3, n) - 1, 0))
    rows.set("auth_fail_ip_24h", np.where(failure > 0, rows.values[:, COLUMN["auth_fail_ip_1h"]] + rng.geometric(0.5, n) - 1, 0))
    rows.set("auth_fail_ip_7d", np.where(failure > 0, rows.values[:, COLUMN["auth_fail_ip_24h"]] + rng.geometric(0.5, n) - 1, 0))
    rows.set("users_tried_ip_1h", np.where(failure > 0, rng.geometric(0.8, n), 0))
    rows.set("users_tried_ip_24h", rows.values[:, COLUMN["users_tried_ip_1h"]] + np.where(failure > 0, rng.geometric(0.6, n) - 1, 0))
    rows.set("fail_ips_user_1h", np.where(failure > 0, rng.geometric(0.9, n), 0))
    rows.set("fail_ips_user_surge", np.where(failure > 0, (rng.random(n) < 0.05) * rng.geometric(0.7, n), 0))
    rows.set("failure_burst_before_success", np.where(failure > 0, 0, (rng.random(n) < 0.01) * rng.geometric(0.8, n)))
    rows.set("new_ip", np.where(failure > 0, rng.random(n) < 0.4, rng.random(n) < 0.01).astype(float))
    rows.set("new_user_ip_login", np.where(failure > 0, 0, rng.random(n) < 0.03).astype(float))
    rows.set("new_user_net_login", rows.values[:, COLUMN["new_user_ip_login"]] * (rng.random(n) < 0.3))
    rows.set("new_org_net_login", rows.values[:, COLUMN["new_user_net_login"]] * (rng.random(n) < 0.1))
    rows.set("login_hour_rarity_user", np.where(failure > 0, 0, rng.exponential(0.5, n).clip(0, 8)))
    rows.set("activity_hour_rarity_host", rng.exponential(0.4, n).clip(0, 8))
    rows.flag("privileged_user", 0.06)


def _privilege(rows: _Rows) -> None:
    rng, n = rows.rng, rows.count
    rows.set("is_privilege", 1)
    rows.tail_count("sudo_fail_user_1h", 0.97, 1.5)
    rows.flag("not_in_sudoers", 0.002)
    created = rows.flag("account_created", 0.002)
    rows.set("account_created_uid0", created * (rng.random(n) < 0.01))
    rows.flag("admin_group_added", 0.0005)
    rows.set("activity_hour_rarity_host", rng.exponential(0.6, n).clip(0, 8))


def _rogue_account(rows: _Rows) -> None:
    """Off hours, an admin creates a UID-0 account or puts a new account into the sudo group."""
    rng, n = rows.rng, rows.count
    rows.set("is_privilege", 1)
    rows.set("account_created", 1)
    uid0 = rows.set("account_created_uid0", (rng.random(n) < 0.5).astype(float))
    rows.set("admin_group_added", 1 - uid0)
    rows.set("activity_hour_rarity_host", rng.uniform(3, 8, n))


# Share of benign events per family; "other" (cron, daemons) has an all-zero feature vector.
BENIGN_MIX = (("web", 0.45), ("firewall", 0.25), ("auth", 0.13), ("privilege", 0.05), ("other", 0.12))


def benign_matrix(rows: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    families = rng.choice(len(BENIGN_MIX), size=rows, p=[share for _, share in BENIGN_MIX])
    matrix = np.zeros((rows, len(FEATURES)))
    for index, (family, _) in enumerate(BENIGN_MIX):
        where = np.flatnonzero(families == index)
        block = _Rows(where.size, rng)
        if family == "web":
            _web(block, attack=False)
        elif family == "firewall":
            _firewall(block, attack=False)
        elif family == "auth":
            _auth(block, attack=False)
        elif family == "privilege":
            _privilege(block)
        matrix[where] = block.values
    return np.round(matrix, 4)


def attack_matrix(kind: str, rows: int, seed: int) -> np.ndarray:
    block = _Rows(rows, np.random.default_rng(seed))
    if kind == "ssh_brute_force":
        _auth(block, attack=True)
    elif kind == "port_scan":
        _firewall(block, attack=True)
    elif kind == "port_scan_slow":
        _slow_port_scan(block)
    elif kind == "rogue_account":
        _rogue_account(block)
    elif kind == "web_scan":
        _web(block, attack=True)
    elif kind == "sql_injection":
        _sql_injection(block)
    else:
        raise ValueError(f"unknown attack {kind!r}; one of {ATTACKS}")
    return np.round(block.values, 4)


def write_csv(path: Path, matrix: np.ndarray) -> None:
    header = ",".join(feature[0] for feature in FEATURES)
    np.savetxt(path, matrix, delimiter=",", header=header, comments="", fmt="%.10g")


def write_spec(path: Path) -> None:
    path.write_text(json.dumps(feature_spec(), indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic benign (or attack) feature CSV and its feature spec.")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--attack", choices=ATTACKS, help="write attack rows of this kind instead of benign rows")
    parser.add_argument("--out", type=Path, required=True, help="CSV to write")
    parser.add_argument("--spec-out", type=Path, help="feature spec JSON to write")
    arguments = parser.parse_args()
    matrix = attack_matrix(arguments.attack, arguments.rows, arguments.seed) if arguments.attack else benign_matrix(arguments.rows, arguments.seed)
    write_csv(arguments.out, matrix)
    if arguments.spec_out:
        write_spec(arguments.spec_out)


if __name__ == "__main__":
    main()
