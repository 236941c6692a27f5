"""The MUC-4 files the cross-fitting benches read (paths under ``--data``): DEV 0001..1100
(training data; the held-out slice DEV-MUC3-1101..1300 is never read) and TST1+TST2 (the
tuning split), with their answer keys and GTT gold."""

DEV_MESSAGES = [f"muc4/dev/dev-muc3-{n:04d}-{n + 99:04d}" for n in range(1, 1100, 100)]
DEV_KEYS = [f"muc4/dev/key-dev-{n:04d}.muc4" for n in range(1, 1100, 100)]
DEV_GOLD = "muc4/gtt/train.jsonl"
TST_MESSAGES = ["muc4/tst1/tst1-muc3", "muc4/tst2/tst2-muc4"]
TST_KEYS = ["muc4/tst1/key-tst1.v7", "muc4/tst2/key-tst2.v4"]
TST_GOLD = "muc4/gtt/dev.jsonl"
FOLDS = 5
