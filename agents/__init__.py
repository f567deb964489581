import os

# llama.cpp's CPU threads are OpenMP threads, which by default spin while they wait for work. Two
# inference processes on the same cores (two workers, or a worker beside the web server and the
# database) then burn each other's time: a 5 s generation took 20 s beside another one on 2 cores,
# and 60 s when the machine was busy. Sleeping instead costs a single process nothing measurable.
# Set here, before any module of this package loads llama.cpp (and with it libgomp, which reads
# the variable once); an operator's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
