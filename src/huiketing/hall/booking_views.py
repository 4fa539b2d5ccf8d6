"""Pages of bookings: choosing a time of a service item or a room and booking it, "my bookings" (cancel,
place on the waiting list), and the staff's day of a venue (bookings, attended / did not come, booking for a
resident found by name). Every write is one service call; a refusal comes back on its page with the
service's translated message (status 400)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.permissions import PermissionRequiredMixin

from . import booking_selectors as selectors
from . import booking_services as services


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _party_size(raw) -> int | None:
    raw = (raw or "1").strip()
    return int(raw) if raw.isdigit() else None


class _BookView(PermissionRequiredMixin, TemplateView):
    """The upcoming slots of one thing, each with its free places; POST books the chosen one."""

    permission_required = "hall.book"
    template_name = "hall/booking_book.html"

    def thing(self):
        raise NotImplementedError

    def slots(self, thing):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        thing = self.thing()
        context.update(thing=thing, venue=thing.venue, slots=list(self.slots(thing)))
        return context

    def post(self, request, *args, **kwargs):
        thing = self.thing()
        slot = selectors.slot_get_bookable(slot_id=request.POST.get("slot", ""), **{self.kind: thing})
        errors = []
        party_size = _party_size(request.POST.get("party_size"))
        if party_size is None:
            errors = [_("Give the number of people, from 1 to %(n)d.") % {"n": services.MAX_PARTY_SIZE}]
        else:
            try:
                booking = services.booking_make(by=request.user, slot=slot, party_size=party_size)
            except ValidationError as error:
                errors = _errors(error)
            else:
                if booking.status == "waiting":
                    messages.info(request, _("The time is fully booked: you are on its waiting list."))
                else:
                    messages.success(request, _("Your place is booked."))
                return redirect("hall:booking-list")
        context = self.get_context_data(**kwargs)
        context["errors"] = errors
        return self.render_to_response(context, status=400)


class ItemBookView(_BookView):
    kind = "item"

    def thing(self):
        return selectors.item_get_bookable(item_id=self.kwargs["item"])

    def slots(self, thing):
        return selectors.slots_upcoming(item=thing)

    def get(self, request, *args, **kwargs):
        item = self.thing()
        if item.is_package:
            # A package has no slots of its own: its parts are booked together on the package's page.
            return redirect("hall:package-book", item=item.pk)
        return super().get(request, *args, **kwargs)


class RoomBookView(_BookView):
    kind = "zone"

    def thing(self):
        return selectors.zone_get_bookable(zone_id=self.kwargs["zone"])

    def slots(self, thing):
        return selectors.slots_upcoming(zone=thing)


class BookingListView(PermissionRequiredMixin, TemplateView):
    permission_required = "hall.book"
    template_name = "hall/booking_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        bookings = list(selectors.bookings_of_user(user=self.request.user)[:100])
        for booking in bookings:
            booking.what = services.slot_label(booking.slot)
            booking.waiting_place = (booking.waiting_ahead or 0) + 1
            booking.can_cancel = booking.status in selectors.ACTIVE_STATUSES and booking.slot.starts_at > now
        context["bookings"] = bookings
        return context


class BookingCancelView(PermissionRequiredMixin, View):
    permission_required = "hall.book"
    http_method_names = ["post"]

    def post(self, request, pk):
        booking = selectors.booking_get_own(user=request.user, booking_id=pk)
        try:
            services.booking_cancel(by=request.user, booking=booking)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Your booking is cancelled."))
        return redirect("hall:booking-list")


class StaffBookingsView(PermissionRequiredMixin, TemplateView):
    """A venue's day: its slots with their bookings, attendance buttons, and booking for a resident."""

    permission_required = "hall.view_staff"
    template_name = "hall/booking_staff.html"

    def _day(self) -> date:
        raw = self.request.GET.get("day") or self.request.POST.get("day") or ""
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        venues = list(selectors.venues_for_staff(user=user)[:200])
        venue_id = self.request.GET.get("venue") or self.request.POST.get("venue")
        venue = selectors.venue_get_for_staff(user=user, venue_id=venue_id) if venue_id else None
        day = self._day()
        name = self.request.GET.get("name", "")
        context.update(
            venues=venues,
            venue=venue,
            day=day,
            slots=selectors.venue_day(venue=venue, day=day) if venue else [],
            name=name,
            matches=selectors.residents_by_name(user=user, name=name) if venue else [],
            now=timezone.now(),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        try:
            if action in ("attended", "no_show"):
                booking = selectors.booking_get_for_staff(
                    user=request.user, booking_id=request.POST.get("booking")
                )
                services.attendance_mark(by=request.user, booking=booking, attended=action == "attended")
                messages.success(request, _("Attendance recorded."))
            elif action == "cancel":
                booking = selectors.booking_get_for_staff(
                    user=request.user, booking_id=request.POST.get("booking")
                )
                services.booking_cancel(by=request.user, booking=booking)
                messages.success(request, _("The booking is cancelled."))
            elif action == "book":
                resident = selectors.resident_get_for_staff(
                    user=request.user, resident_id=request.POST.get("resident")
                )
                slot = selectors.slot_get_bookable(slot_id=request.POST.get("slot", ""))
                selectors.venue_get_for_staff(user=request.user, venue_id=str(slot.venue_id))
                party_size = _party_size(request.POST.get("party_size"))
                if party_size is None:
                    raise ValidationError({"party_size": [_("Give the number of people.")]})
                services.booking_for_resident(
                    by=request.user, slot=slot, resident=resident, party_size=party_size
                )
                messages.success(request, _("The resident is booked."))
            else:
                messages.error(request, _("Choose an action."))
        except ValidationError as error:
            context = self.get_context_data(**kwargs)
            context["errors"] = _errors(error)
            return self.render_to_response(context, status=400)
        query = f"?venue={request.POST.get('venue', '')}&day={self._day().isoformat()}"
        return redirect(reverse("hall:staff-bookings") + query)
