"""Pages of votes: the vote's public page (question, options as big buttons, the result once closed) where a
resident votes online; for staff, preparing a vote on an agenda item, opening and closing it, the live
turnout and who voted, and the officer's page for recording the ballots of residents voting in person.

Votes are fetched through `vote_selectors` (prepared votes and other places' votes look missing). Every write
is one service call; a refused one comes back on its page with the service's translated message (status
400). Success messages never name the option chosen: they are kept in the session until shown.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from huiketing.core.forms import add_service_errors
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin

from . import vote_selectors as selectors
from . import vote_services as services
from .models import Ballot, Electorate, Majority, Vote, VoteOption, VoteStatus

OPTION_ROWS = 6
VOTERS_PAGE_SIZE = 50
SEARCH_LIMIT = 20


def _error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def _no_cache(response):
    add_never_cache_headers(response)
    return response


# The vote's page and casting online -------------------------------------------------------------------------


class BallotForm(forms.Form):
    option = forms.TypedChoiceField(label=gettext_lazy("Your choice"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, vote: Vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, services.option_label(o)) for o in vote.options.all()]
        self.fields["option"].error_messages["required"] = _("Choose one of the options.")
        self.fields["option"].error_messages["invalid_choice"] = _("Choose one of this vote's options.")


class VoteDetailView(PermissionRequiredMixin, TemplateView):
    """The vote's public page. Anyone reads it; a resident entitled to vote gets the ballot form."""

    permission_required = PUBLIC
    template_name = "meetings/vote_detail.html"

    def get_vote(self) -> Vote:
        if not hasattr(self, "vote"):
            self.vote = selectors.vote_get_public(user=self.request.user, vote_id=self.kwargs["pk"])
        return self.vote

    def get_context_data(self, form: BallotForm | None = None, refused: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        vote = self.get_vote()
        box = selectors.vote_box(vote=vote, user=self.request.user)
        context.update(
            vote=vote,
            box=box,
            meeting=vote.item.meeting,
            item=vote.item,
            form=form or BallotForm(vote=vote, auto_id="ballot_%s"),
            refused=refused,
            electorate_label=vote.get_electorate_display(),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return _no_cache(super().render_to_response(context, **response_kwargs))


class VoteCastView(VoteDetailView):
    """POST: the signed-in resident votes online; then back to the page it came from (the vote's page or
    the meeting's), or the vote's page with the refusal."""

    permission_required = "meetings.take_part"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        vote = self.get_vote()
        form = BallotForm(request.POST, vote=vote, auto_id="ballot_%s")
        if form.is_valid():
            try:
                services.ballot_cast_online(by=request.user, vote=vote, option=form.cleaned_data["option"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    add_service_errors(form, error)
                    refused = ""
                else:
                    refused = " ".join(_error_messages(error))
                return self.render_to_response(self.get_context_data(form=form, refused=refused), status=400)
            messages.success(request, _("Your vote was recorded. Thank you for taking part."))
            target = request.POST.get("next", "")
            if target and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(target)
            return redirect("meetings:vote-detail", pk=vote.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Preparing a vote -------------------------------------------------------------------------------------------


class VoteForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question put to the vote"),
        max_length=services.MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    electorate = forms.ChoiceField(
        label=gettext_lazy("Who may vote"),
        choices=Electorate.choices,
        initial=Electorate.ATTENDEES,
        widget=forms.RadioSelect,
    )
    majority = forms.ChoiceField(
        label=gettext_lazy("Majority needed"),
        choices=Majority.choices,
        initial=Majority.SIMPLE,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Two thirds and four fifths are of the votes cast, abstentions included; an absolute majority is "
            "of everyone entitled to vote."
        ),
    )
    turnout_quorum = forms.IntegerField(
        label=gettext_lazy("Turnout needed (%)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=gettext_lazy(
            "The vote is valid only if more than this share of those entitled vote (0: no quorum)."
        ),
    )
    is_secret = forms.BooleanField(
        label=gettext_lazy("Secret vote"),
        required=False,
        help_text=gettext_lazy(
            "Who voted is recorded, never what they chose: the choices are only counted. "
            "Staff cannot see them either."
        ),
    )
    allows_online = forms.BooleanField(
        label=gettext_lazy("Residents may vote online"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Otherwise officers record every ballot at the meeting."),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Online voting closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Leave empty to close the vote by hand."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meanings = [("", _("Not used")), *VoteOption.Meaning.choices]
        for n in range(1, OPTION_ROWS + 1):
            self.fields[f"option_{n}_label"] = forms.CharField(
                label=_("Option %(number)d") % {"number": n}, required=False, max_length=services.MAX_LABEL
            )
            self.fields[f"option_{n}_meaning"] = forms.ChoiceField(
                label=_("Option %(number)d counts as") % {"number": n}, required=False, choices=meanings
            )

    def option_rows(self):
        return [(self[f"option_{n}_label"], self[f"option_{n}_meaning"]) for n in range(1, OPTION_ROWS + 1)]

    def main_fields(self):
        return [self[name] for name in ("question", "electorate", "majority", "turnout_quorum")]

    def more_fields(self):
        return [self[name] for name in ("is_secret", "allows_online", "closes_at")]

    def clean(self):
        data = super().clean()
        rows = []
        for n in range(1, OPTION_ROWS + 1):
            label, meaning = data.get(f"option_{n}_label", ""), data.get(f"option_{n}_meaning", "")
            if label and not meaning:
                self.add_error(
                    f"option_{n}_meaning", _("Say whether this option counts as for, against or abstaining.")
                )
            elif meaning:
                rows.append((label, meaning))
        data["options"] = rows or None
        return data

    @classmethod
    def initial_for(cls, vote: Vote) -> dict:
        initial = {
            "question": vote.question,
            "electorate": vote.electorate,
            "majority": vote.majority,
            "turnout_quorum": vote.turnout_quorum,
            "is_secret": vote.is_secret,
            "allows_online": vote.allows_online,
            "closes_at": vote.closes_at,
        }
        options = list(vote.options.all())
        if [(o.label, o.meaning) for o in options] != list(services.DEFAULT_OPTIONS):
            for n, option in enumerate(options[:OPTION_ROWS], start=1):
                initial[f"option_{n}_label"] = option.label
                initial[f"option_{n}_meaning"] = option.meaning
        return initial

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "question": data["question"],
            "options": data["options"],
            "is_secret": data["is_secret"],
            "electorate": data["electorate"],
            "majority": data["majority"],
            "turnout_quorum": data["turnout_quorum"],
            "allows_online": data["allows_online"],
            "closes_at": data.get("closes_at"),
        }


class VoteCreateView(PermissionRequiredMixin, TemplateView):
    """Prepare a vote on an agenda item (community staff and above, on meetings they cover)."""

    permission_required = "meetings.manage"
    template_name = "meetings/vote_form.html"

    def get_item(self):
        if not hasattr(self, "item"):
            self.item = selectors.item_get_for_staff(user=self.request.user, item_id=self.kwargs["item_pk"])
        return self.item

    def get_permission_object(self):
        return self.get_item().meeting

    def get_context_data(self, form: VoteForm | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        context.update(item=item, meeting=item.meeting, vote=None, form=form or VoteForm())
        return context

    def post(self, request, *args, **kwargs):
        form = VoteForm(request.POST)
        if form.is_valid():
            try:
                vote = services.vote_create(by=request.user, item=self.get_item(), **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The vote is prepared. Open it when voting should start."))
                return redirect("meetings:vote-staff", pk=vote.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StaffVoteMixin(PermissionRequiredMixin):
    """The vote of the URL through the scoped selector; the permission is asked of its meeting."""

    def get_vote(self) -> Vote:
        if not hasattr(self, "vote"):
            self.vote = selectors.vote_get_for_staff(user=self.request.user, vote_id=self.kwargs["pk"])
        return self.vote

    def get_permission_object(self):
        return self.get_vote().item.meeting


class VoteEditView(StaffVoteMixin, TemplateView):
    """Change a prepared vote; once open it can no longer be changed."""

    permission_required = "meetings.manage"
    template_name = "meetings/vote_form.html"

    def get(self, request, *args, **kwargs):
        if self.get_vote().status != VoteStatus.DRAFT:
            messages.error(request, _("A vote can be changed only before it opens."))
            return redirect("meetings:vote-staff", pk=self.get_vote().pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, form: VoteForm | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        vote = self.get_vote()
        context.update(
            item=vote.item,
            meeting=vote.item.meeting,
            vote=vote,
            form=form or VoteForm(initial=VoteForm.initial_for(vote)),
        )
        return context

    def post(self, request, *args, **kwargs):
        vote = self.get_vote()
        form = VoteForm(request.POST)
        if form.is_valid():
            try:
                services.vote_update(by=request.user, vote=vote, **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The vote was changed."))
                return redirect("meetings:vote-staff", pk=vote.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# The staff's page of a vote ---------------------------------------------------------------------------------


class VoteStaffView(StaffVoteMixin, TemplateView):
    """A vote for staff: its settings, the live turnout while open (how many, never how), the result once
    closed, who voted (and, for an open vote once closed, what each chose), and the actions the user may
    take."""

    permission_required = "meetings.view_staff"
    template_name = "meetings/vote_staff.html"

    def get_context_data(self, failed: list[str] | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, vote = self.request.user, self.get_vote()
        meeting = vote.item.meeting
        box = selectors.vote_box(vote=vote, user=user)
        cast = entitled = None
        if vote.status == VoteStatus.OPEN:
            cast, entitled = selectors.live_turnout(vote=vote)
        ballots = Paginator(selectors.ballots_for_staff(vote=vote), VOTERS_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        # What each voter chose: for open votes only, and only once closed (no partial result while open).
        show_choices = not vote.is_secret and vote.status == VoteStatus.CLOSED
        for ballot in ballots.object_list:
            ballot.option_text = (
                services.option_label(ballot.option) if show_choices and ballot.option_id else ""
            )
        can_manage = user.has_perm("meetings.manage", meeting)
        context.update(
            vote=vote,
            box=box,
            meeting=meeting,
            item=vote.item,
            live_cast=cast,
            live_entitled=entitled,
            live_percent=selectors._percent(cast or 0, entitled or 0) if cast is not None else "",
            ballots=ballots,
            show_choices=show_choices,
            can_edit=can_manage and vote.status == VoteStatus.DRAFT,
            can_open=can_manage and vote.status == VoteStatus.DRAFT,
            can_close=can_manage and vote.status == VoteStatus.OPEN,
            can_record=user.has_perm("meetings.record_ballot", meeting) and vote.status == VoteStatus.OPEN,
            failed_errors=failed or [],
            channels=Ballot.Channel,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return _no_cache(super().render_to_response(context, **response_kwargs))


class VoteTransitionView(VoteStaffView):
    """POST: open or close the vote, then back to its staff page; a refusal shows there (400)."""

    permission_required = "meetings.manage"
    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        vote = self.get_vote()
        service = services.vote_open if self.action == "open" else services.vote_close
        try:
            service(by=request.user, vote=vote)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(failed=_error_messages(error)), status=400)
        if self.action == "open":
            messages.success(request, _("Voting is open."))
        else:
            messages.success(request, _("Voting is closed and the result computed."))
        return redirect("meetings:vote-staff", pk=vote.pk)


class VoteOpenView(VoteTransitionView):
    action = "open"


class VoteCloseView(VoteTransitionView):
    action = "close"


# Recording ballots in person --------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=50, strip=True)


class InPersonForm(forms.Form):
    resident = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    option = forms.TypedChoiceField(label=gettext_lazy("Their choice"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, vote: Vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, services.option_label(o)) for o in vote.options.all()]
        self.fields["option"].error_messages["required"] = _("Choose the option the resident votes for.")


class VoteInPersonView(StaffVoteMixin, TemplateView):
    """The officer's page at the meeting: find the resident among those entitled (by name, in the officer's
    scope), choose their option, record. The resident is told that a ballot was recorded in their name."""

    permission_required = "meetings.record_ballot"
    template_name = "meetings/vote_in_person.html"

    def get_context_data(self, form: InPersonForm | None = None, refused: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        user, vote, request = self.request.user, self.get_vote(), self.request
        search = SearchForm(request.GET or None)
        name = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
        chosen = None
        resident_id = request.POST.get("resident") or request.GET.get("resident")
        if resident_id and str(resident_id).isdigit() and len(str(resident_id)) <= 18:
            found = selectors.entitled_for_officer(
                user=user, vote=vote, name="", limit=1, resident_id=int(resident_id)
            )
            chosen = found[0] if found else None
        results = (
            selectors.entitled_for_officer(user=user, vote=vote, name=name, limit=SEARCH_LIMIT)
            if name
            else []
        )
        if chosen is not None and form is None:
            form = InPersonForm(vote=vote, initial={"resident": chosen.pk}, auto_id="record_%s")
        cast, entitled = selectors.live_turnout(vote=vote) if vote.status == VoteStatus.OPEN else (None, None)
        context.update(
            vote=vote,
            meeting=vote.item.meeting,
            item=vote.item,
            search=search,
            name=name,
            results=results,
            chosen=chosen,
            form=form,
            refused=refused,
            is_open=vote.status == VoteStatus.OPEN,
            live_cast=cast,
            live_entitled=entitled,
            search_limit=SEARCH_LIMIT,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return _no_cache(super().render_to_response(context, **response_kwargs))

    def post(self, request, *args, **kwargs):
        vote = self.get_vote()
        form = InPersonForm(request.POST, vote=vote, auto_id="record_%s")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        resident = selectors.resident_for_officer(
            user=request.user, resident_id=form.cleaned_data["resident"]
        )
        if resident is None:
            form.add_error(None, _("There is no such resident in your area."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.ballot_record_in_person(
                by=request.user, vote=vote, resident=resident, option=form.cleaned_data["option"]
            )
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(form=form, refused=" ".join(_error_messages(error))), status=400
            )
        messages.success(
            request, _("The vote of %(name)s was recorded (in person).") % {"name": resident.full_name}
        )
        return redirect(reverse("meetings:vote-in-person", kwargs={"pk": vote.pk}))
