"""Dependencies the routes declare: the lifespan's resources, reached from the request."""

from typing import Annotated

from fastapi import Depends, Request

from api.resources import Resources


def get_resources(request: Request) -> Resources:
    return request.state.resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]
