"""Use cases: plan a target, revalidate an edited plan, evaluate the gate, apply."""
