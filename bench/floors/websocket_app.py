"""Floor of an idle WebSocket connection: a bare uvicorn endpoint that accepts and holds.

python -m bench.floors.websocket_app --port N
"""

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from bench.floors.serve import serve


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
    serve(create_app(), ws="websockets")


if __name__ == "__main__":
    main()
