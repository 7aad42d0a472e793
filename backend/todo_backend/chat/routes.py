from typing import Annotated

from fastapi import APIRouter, Depends, Request

from todo_backend.chat.context import ContextStore
from todo_backend.chat.schemas import ChatRequest, ChatResponse
from todo_backend.chat.service import ChatService
from todo_backend.deps import ERRORS, RateLimitedUser, TaskServiceDep


async def get_chat_service(request: Request, tasks: TaskServiceDep) -> ChatService:
    state = request.app.state
    return ChatService(
        tasks=tasks,
        nlu=state.nlu,
        contexts=ContextStore(state.dapr, ttl_seconds=state.settings.chat_context_ttl_seconds),
    )


ChatServiceDep = Annotated[ChatService, Depends(get_chat_service)]

router = APIRouter(prefix="/api", tags=["chat"], responses=ERRORS)


@router.post("/chat", response_model=ChatResponse)
async def chat(
    request: Request, user: RateLimitedUser, chat_service: ChatServiceDep, body: ChatRequest
) -> ChatResponse:
    """Manage tasks in plain language; follow-ups in one conversation may say "it"."""
    response, understood = await chat_service.handle(user_id=user.id, request=body)
    request.app.state.chat_metrics.observe(understood)
    return response
