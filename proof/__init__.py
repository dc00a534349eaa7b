"""Proof under load, faults and attack: the scripts behind make security, leaks, fuzz, apifuzz, faults, load and scale."""
