"""The baseline: a minimal FastAPI + LightGBM app speaking the same OIP v2 JSON.

What a team would write in an afternoon: pydantic-typed request and response
models, a LightGBM Booster, one uvicorn worker (uvicorn's defaults otherwise).
Run: ``python -m benchmarks.serving.baseline MODEL.txt --port 8001 [--workers N]``.
"""

from __future__ import annotations

import argparse
import os
import sys

import lightgbm
import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

MODEL_ENV = "BASELINE_LIGHTGBM_MODEL"


class RequestInput(BaseModel):
    name: str
    shape: list[int]
    datatype: str
    data: list[float]


class InferenceRequest(BaseModel):
    id: str | None = None
    inputs: list[RequestInput]


class ResponseOutput(BaseModel):
    name: str
    shape: list[int]
    datatype: str
    data: list[float]


class InferenceResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    model_name: str
    id: str | None = None
    outputs: list[ResponseOutput]


def create_app(model_path: str) -> FastAPI:
    booster = lightgbm.Booster(model_file=model_path)
    app = FastAPI()

    @app.get("/v2/health/ready")
    def ready():
        return {"ready": True}

    @app.post("/v2/models/{name}/infer", response_model=InferenceResponse)
    def infer(name: str, request: InferenceRequest):
        tensor = request.inputs[0]
        X = np.asarray(tensor.data, dtype=np.float64).reshape(tensor.shape)
        p = booster.predict(X)
        return InferenceResponse(
            model_name=name,
            id=request.id,
            outputs=[
                ResponseOutput(name="predict", shape=[len(p)], datatype="FP64", data=p.tolist())
            ],
        )

    return app


def app_from_environment() -> FastAPI:
    """For ``uvicorn --factory`` (multi-worker runs): the model path comes from the environment."""
    return create_app(os.environ[MODEL_ENV])


def main(argv=None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m benchmarks.serving.baseline")
    parser.add_argument("model")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.workers > 1:
        # uvicorn's own multi-worker mode, exactly as users run it.
        os.environ[MODEL_ENV] = os.path.abspath(args.model)
        uvicorn.run(
            "benchmarks.serving.baseline:app_from_environment",
            factory=True,
            host="127.0.0.1",
            port=args.port,
            workers=args.workers,
            log_level="warning",
            access_log=False,
        )
        return 0
    # One worker: uvicorn binds the port itself, as `uvicorn app:app` does.
    uvicorn.run(
        create_app(args.model),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
