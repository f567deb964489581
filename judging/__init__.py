"""Whether an agent's reply is right: one judge for the evaluation set (`make eval`) and staff's test cases.

facts.py reads a reply's text (its facts, its language, what it invents); business_facts.py gathers what a
business's data holds; verdict.py says what a turn must do (Expectation) and judges a turn against it.
"""
