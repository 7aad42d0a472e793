"""Floor of an idle WebSocket connection: a bare uvicorn endpoint that accepts and holds.

python -m bench.floors.websocket_app --port N
"""

import argparse

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect


def create_app() -> FastAPI:
    app = FastAPI(openapi_url=None)

    @app.websocket("/ws")
    async def hold(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            return

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        loop="uvloop",
        http="httptools",
        ws="websockets",
    )


if __name__ == "__main__":
    main()
