"""How views declare who may use them.

Every view of ours states `permission_required`: a rules permission name, or PUBLIC. The permission matrix
test walks every URL and fails on a view that states neither, so no view can be added without a decision.
Object views fetch their object through a scoped selector, which raises the same 404 for missing and
forbidden; a permission refused on an object is a 404 too.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

PUBLIC = "public"


class PermissionRequiredMixin:
    permission_required: str = ""

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        permission = self.permission_required
        if not permission:
            raise PermissionDenied("This view declares no permission.")
        if permission != PUBLIC:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = self.get_permission_object()
            if not request.user.has_perm(permission, obj):
                if obj is not None:
                    raise Http404
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def declared_permission(callback) -> str | None:
    """The permission a resolved URL callback declares, if any."""
    for attr in ("view_class", "cls"):
        view_class = getattr(callback, attr, None)
        if view_class is not None:
            return getattr(view_class, "permission_required", None) or None
    return getattr(callback, "permission_required", None) or None


def public(view_func):
    """Mark a function view as open to everyone."""
    view_func.permission_required = PUBLIC
    return view_func
