"""Errors the services raise; the web layer turns them into the Conduit error envelope."""


class ApiError(Exception):
    status = 500

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail

    def body(self):
        errors = self.detail if isinstance(self.detail, dict) else {"body": [str(self.detail)]}
        return {"errors": errors}


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Unprocessable(ApiError):
    status = 422
