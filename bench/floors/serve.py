"""How a floor app runs: on loopback at `--port N` (as bench.context starts it), with the
fastest loop and HTTP parser, so the floor is the best this machine does."""

import argparse

import uvicorn
from fastapi import FastAPI


def serve(app: FastAPI, *, ws: str = "auto") -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        loop="uvloop",
        http="httptools",
        ws=ws,
    )
