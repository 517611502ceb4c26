"""``state_policy``: a hidden state carried between unrelated sequences (or not carried along
chunks of a stream)."""

from __future__ import annotations

from ..state import STATE_POLICIES, get_state_policy
from ._result import Check, finding, score_name


def check_state_policy(ev, findings):
    net, scores, n_train = ev.net, ev.scores, ev.n_streams
    policy = getattr(net, "state_policy", None)
    if policy is None:
        return finding("state_policy", "ok", f"{type(net).__name__} has no hidden state")
    name = score_name(net)
    if not get_state_policy(policy).carries:
        if ev.split == "time" and ev.chunk_length is not None and n_train <= 4:
            carrying = [p for p in STATE_POLICIES.values() if p.carries]
            return finding("state_policy", "warn", f"state_policy={policy!r}, but the data "
                           "are consecutive chunks of a stream: each chunk starts from a "
                           "fresh state and forgets the previous one",
                           f"state_policy={carrying[0].name!r} for chunks of one stream")
        return finding("state_policy", "ok", f"state_policy={policy!r}: every sequence starts "
                       "from its own initial state")
    shuffled = bool(net.get_params_for("iterator_train").get("shuffle", False))
    epochs = int(getattr(net, "max_epochs", 1))
    reset, carry = scores.get("valid_reset"), scores.get("valid_carry")
    measured = "" if reset is None else (f"; {name} at prediction {reset:.3f} from a reset "
                                         f"state against {carry:.3f} with the carried state")
    independent = n_train > 4 or (ev.chunk_length is None and epochs > 1)
    fresh = [p.name for p in STATE_POLICIES.values() if not p.carries]
    if independent and (shuffled or epochs > 1 or n_train > 4):
        reason = "shuffled" if shuffled else (f"re-used over {epochs} epochs" if epochs > 1
                                              else "independent")
        return finding("state_policy", "fail",
                       f"state_policy={policy!r} on {n_train} training sequences that are "
                       f"{reason}: each one starts from the state where an unrelated one "
                       f"ended{measured}",
                       f"state_policy={fresh[0]!r} (or "
                       f"{' or '.join(repr(f) for f in fresh[1:])}) for independent sequences; "
                       f"{policy} only for consecutive chunks of a stream")
    if reset is not None and reset > carry + 0.05:
        return finding("state_policy", "warn", f"state_policy={policy!r}{measured}",
                       "call reset_state() before predicting a new stream")
    return finding("state_policy", "ok", f"state_policy={policy!r} on consecutive chunks of "
                   f"{n_train} stream(s){measured}")


CHECK = Check("state_policy", check_state_policy,
              summary="a hidden state carried between unrelated sequences (state_policy)")
