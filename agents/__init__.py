import os

# llama.cpp's CPU threads are OpenMP threads, which spin between the steps of a token before they
# sleep: about 3 ms by default (300,000 rounds). Two inference processes on the same cores then burn
# each other's time (two on 2 cores: 45 ms a token each, a 5 s generation took 20 s), while threads
# that sleep at once wake too late for a token's many short steps (38 ms a token alone, against 13
# spinning). A short spin of 1,000 rounds measured 13 ms alone and 35 ms two at once, and prompt
# evaluation the same as sleeping threads. Set here, before any module of this package loads
# llama.cpp (and with it libgomp, which reads its variables once); an operator's own setting wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")
