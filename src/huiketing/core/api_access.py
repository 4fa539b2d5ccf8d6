"""API permission and pagination classes (kept apart from api.py, which DRF's settings must not import)."""

from rest_framework import exceptions, pagination, permissions

from huiketing.core.permissions import PUBLIC


class RulesPermission(permissions.BasePermission):
    """Checks the view's `permission_required` with django-rules; objects refused look missing (404)."""

    def has_permission(self, request, view) -> bool:
        permission = getattr(view, "permission_required", "")
        if not permission:
            return False
        if permission == PUBLIC:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        return request.user.has_perm(permission)

    def has_object_permission(self, request, view, obj) -> bool:
        permission = getattr(view, "permission_required", "")
        if permission == PUBLIC:
            return True
        if not request.user.has_perm(permission, obj):
            raise exceptions.NotFound
        return True


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
