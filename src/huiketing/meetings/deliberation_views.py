"""Pages of the residents' deliberation (居民议事): the public list and topic page, taking part (comment,
reply, support, report), and the staff pages (topics, the form with its options, opening a tabled matter's
deliberation, the moderation queue).

Public pages show no personal data: comment authors appear by the display name they chose, else as "王*"
(deliberation_selectors.author_label). Taking part is for residents of the topic's place: anyone else who
tries is answered 403 on the topic's page with a message naming the place, and nothing is written.
Every write is one service call; its ValidationError is shown next to the field it names.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core import scope
from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.people.models import COMMUNITY_AND_ABOVE
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place

from . import deliberation_selectors as selectors
from . import deliberation_services as services
from .models import TOPIC_TRANSITIONS, ItemDecision, Stance, Topic, TopicStatus

PAGE_SIZE = 20
COMMENTS_PAGE_SIZE = 30
STAFF_PAGE_SIZE = 30
# A box whose text is the resident's own: its direction follows the text, its language is unknown.
USER_TEXT = {"dir": "auto", "lang": ""}
STATUS_FILTERS = [
    (TopicStatus.OPEN, gettext_lazy("Open for deliberation")),
    (TopicStatus.ON_AGENDA, gettext_lazy("On a meeting's agenda")),
    (TopicStatus.DECIDED, gettext_lazy("Decided")),
    (TopicStatus.WITHDRAWN, gettext_lazy("Withdrawn")),
]
ORDER_CHOICES = [
    ("newest", gettext_lazy("Newest first")),
    ("supported", gettext_lazy("Most supported first")),
]
# The place choices of the topic form: a subdistrict's communities and grids below it.
PLACE_INDENT = {PlaceLevel.SUBDISTRICT: "· ", PlaceLevel.COMMUNITY: "·· ", PlaceLevel.GRID: "··· "}


def _never_cache(response):
    add_never_cache_headers(response)
    return response


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("lang", None)
    return query.urlencode()


# The timeline -------------------------------------------------------------------------------------------


def _say(template: str, values: dict, links: dict | None = None):
    """A translated sentence with its values isolated in <bdi> and escaped; values in `links` are links."""
    wrapped = {}
    for name, value in values.items():
        if links and name in links:
            wrapped[name] = format_html('<a href="{}"><bdi>{}</bdi></a>', links[name], value)
        else:
            wrapped[name] = format_html("<bdi>{}</bdi>", value)
    return mark_safe(conditional_escape(template) % wrapped)  # noqa: S308 (every part is escaped above)


def event_sentence(event, *, html: bool = True):
    """A topic's timeline entry as one translated sentence."""
    kind, params = event.kind, event.params or {}
    K = services.EventKind

    def say(template, links=None, **values):
        return _say(template, values, links) if html else template % values

    if kind == K.OPENED and params.get("matter"):
        number = params["matter"]
        return say(
            _("The deliberation of matter %(number)s was opened."),
            links={"number": reverse("matters:detail", args=[number])},
            number=number,
        )
    if kind == K.OPENED:
        return say(_("The topic was opened for deliberation."))
    if kind == K.THRESHOLD_REACHED:
        return say(
            _("The topic reached %(threshold)s supports: it is proposed for a meeting's agenda."),
            threshold=params.get("threshold", ""),
        )
    if kind == K.PUT_ON_AGENDA and params.get("meeting_title"):
        return say(_("The topic was put on the agenda of “%(meeting)s”."), meeting=params["meeting_title"])
    if kind == K.PUT_ON_AGENDA:
        return say(_("The topic was put on the agenda of a meeting."))
    if kind == K.REOPENED:
        return say(_("The meeting deferred the topic: it is open for deliberation again."))
    if kind == K.DECIDED and params.get("decision") in ItemDecision.values and params["decision"]:
        return say(_("The meeting decided: %(decision)s."), decision=ItemDecision(params["decision"]).label)
    if kind == K.DECIDED:
        return say(_("The meeting decided on the topic."))
    if kind == K.WITHDRAWN:
        return say(_("The topic was withdrawn."))
    return say("%(kind)s", kind=kind)


# Forms --------------------------------------------------------------------------------------------------


class TopicFilterForm(forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("Community"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Being or already deliberated")), *STATUS_FILTERS],
    )
    order = forms.ChoiceField(label=gettext_lazy("Order"), required=False, choices=ORDER_CHOICES)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("The whole city")), *communities]

    def filters(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label=gettext_lazy("Your position"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        initial=Stance.NEUTRAL,
        error_messages={
            "required": gettext_lazy("Say whether you are for, against, or neutral."),
            "invalid_choice": gettext_lazy("Say whether you are for, against, or neutral."),
        },
    )
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=services.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4, **USER_TEXT}),
        error_messages={"required": gettext_lazy("Write your comment.")},
        help_text=gettext_lazy("Shown with your display name, or the first character of your name."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong with this comment?"),
        max_length=services.MAX_REASON,
        error_messages={"required": gettext_lazy("Say what is wrong with this comment.")},
        help_text=gettext_lazy("For example: an insult, someone's personal data, advertising."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for hiding"),
        max_length=services.MAX_REASON,
        error_messages={"required": gettext_lazy("Say why the comment is hidden.")},
        help_text=gettext_lazy("Staff see the reason; everyone else sees that the moderators hid it."),
    )


class OptionForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Option"), required=False, max_length=services.MAX_OPTION_TITLE
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=services.MAX_OPTION_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("description", "").strip() and not data.get("title", "").strip():
            self.add_error("title", _("An option with a description needs a title."))
        return data


OptionFormSet = formset_factory(
    OptionForm, extra=services.MAX_OPTIONS, max_num=services.MAX_OPTIONS, validate_max=True
)


class TopicForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=services.MAX_TITLE)
    background = forms.CharField(
        label=gettext_lazy("Background"),
        max_length=services.MAX_BACKGROUND,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("What is to be decided, why, and what is known so far."),
    )
    place_code = forms.ChoiceField(
        label=gettext_lazy("Whose residents take part"),
        help_text=gettext_lazy("Residents living in this place may comment and support; everyone may read."),
    )
    origin = forms.ChoiceField(
        label=gettext_lazy("Where the topic comes from"),
        choices=[
            (Topic.Origin.STAFF, Topic.Origin.STAFF.label),
            (Topic.Origin.PROPOSAL, Topic.Origin.PROPOSAL.label),
        ],
        widget=forms.RadioSelect,
        initial=Topic.Origin.STAFF,
    )
    support_threshold = forms.IntegerField(
        label=gettext_lazy("Supports needed"),
        min_value=1,
        max_value=services.MAX_THRESHOLD,
        initial=10,
        help_text=gettext_lazy("With this many supports the topic is proposed for a meeting's agenda."),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Deliberation closes at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Leave empty to keep it open until a meeting takes it up."),
    )

    def __init__(self, *args, places=(), with_place=True, with_origin=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_place:
            self.fields["place_code"].choices = [("", _("Choose…")), *places]
        else:
            del self.fields["place_code"]
        if not with_origin:
            del self.fields["origin"]


def option_inputs(formset) -> list[services.OptionInput]:
    """The options filled in, in order; empty rows are left out."""
    out = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        title, description = data.get("title", "").strip(), data.get("description", "").strip()
        if title or description:
            out.append(services.OptionInput(title, description))
    return out


def manage_places(user) -> list[tuple[str, str]]:
    """Places a staff member may open topics for (those their community-and-above roles cover), indented by
    level, in one query."""
    if not scope.role_codes(user, COMMUNITY_AND_ABOVE):
        return []
    rows = (
        Place.objects.filter(scope.scope_q(user, field="code", roles=COMMUNITY_AND_ABOVE))
        .order_by("code")
        .values_list("code", "names", "level")
    )
    return [(code, f"{PLACE_INDENT.get(level, '')}{pick(names) or code}") for code, names, level in rows]


# The public list and page -------------------------------------------------------------------------------


class TopicListView(PermissionRequiredMixin, TemplateView):
    """Topics being or already deliberated, newest or most supported first, by community; 20 a page, in the
    same number of queries whatever their number."""

    permission_required = PUBLIC
    template_name = "meetings/topic_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = TopicFilterForm(self.request.GET or None, communities=selectors.communities())
        if form.is_bound and not form.is_valid():
            topics = Topic.objects.none()
        else:
            topics = selectors.topics_public(filters=form.filters() if form.is_bound else {})
        page = Paginator(topics, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        names = selectors.place_names(topic.place_code for topic in rows)
        for topic in rows:
            topic.place_name = names.get(topic.place_code, topic.place_code)
        context.update(form=form, page=page, topics=rows, query=_query_without_page(self.request))
        return context


def topic_context(request, topic: Topic, *, comment_form=None, **extra) -> dict:
    """Everything a topic's page shows, for the reader."""
    user = request.user
    comments = selectors.comments_first_level(topic=topic)
    page = Paginator(comments, COMMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    tree = selectors.comment_tree(
        user=user, topic=topic, comments=comments.filter(pk__in=[c.pk for c in page])
    )
    signed_in = user.is_authenticated
    may_take_part = signed_in and user.has_perm("meetings.take_part", topic)
    takes_comments = services.topic_takes_comments(topic)
    takes_supports = topic.status in services.SUPPORTING_STATUSES and takes_comments
    events = list(topic.timeline)
    for event in events:
        event.sentence = event_sentence(event)
    place = selectors.place_names([topic.place_code]).get(topic.place_code, topic.place_code)
    matter = topic.matter if topic.matter_id and not topic.matter.is_hidden else None
    context = {
        "topic": topic,
        "place_name": place,
        "options": list(topic.options.all()),
        "counts": selectors.stance_counts(topic=topic),
        "stances": Stance.choices,
        "comments": tree,
        "comments_page": page,
        "signed_in": signed_in,
        "may_take_part": may_take_part,
        "takes_comments": takes_comments,
        "takes_supports": takes_supports,
        "supported": may_take_part and selectors.has_supported(user=user, topic=topic),
        "reported": selectors.reported_ids(user=user, topic=topic),
        "comment_form": comment_form or CommentForm(auto_id="comment_%s"),
        "events": events,
        "matter": matter,
        "can_manage": signed_in and user.has_perm("meetings.manage", topic),
        "can_moderate": signed_in and user.has_perm("meetings.moderate", topic),
        "refusal": "" if may_take_part else services.refusal_message(topic, place=place),
    }
    context.update(extra)
    return context


class TopicDetailView(PermissionRequiredMixin, TemplateView):
    """A topic's public page: background, options, the count of comments for and against, the comments with
    their replies, the supports against the threshold, and the forms to take part."""

    permission_required = PUBLIC
    template_name = "meetings/topic_detail.html"

    def get(self, request, *args, **kwargs):
        topic = selectors.topic_get_public(user=request.user, topic_id=kwargs["pk"])
        response = self.render_to_response(topic_context(request, topic))
        return _never_cache(response) if request.user.is_authenticated else response


class TakePartView(PermissionRequiredMixin, TemplateView):
    """Base of the residents' writes on a topic (POST). Anyone not living in its place is answered 403 on the
    topic's page, with the place named, and nothing is written; the method is checked after that."""

    permission_required = "meetings.take_part"
    template_name = "meetings/topic_detail.html"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(reverse("meetings:topic-detail", args=[kwargs["pk"]]))
        self.topic = selectors.topic_get_public(user=request.user, topic_id=kwargs["pk"])
        if not request.user.has_perm(self.permission_required, self.topic):
            return self.page(403, refused=services.refusal_message(self.topic))
        # Past the object check: PermissionRequiredMixin has nothing left to refuse.
        return View.dispatch(self, request, *args, **kwargs)

    def page(self, status: int, **extra):
        topic = selectors.topic_get_public(user=self.request.user, topic_id=self.topic.pk)
        return _never_cache(
            self.render_to_response(topic_context(self.request, topic, **extra), status=status)
        )

    def back(self, anchor: str = ""):
        url = reverse("meetings:topic-detail", args=[self.topic.pk])
        return redirect(f"{url}#{anchor}" if anchor else url)


class CommentPostView(TakePartView):
    """A comment, or a reply to a first-level comment."""

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST, auto_id="comment_%s")
        if not form.is_valid():
            return self.page(400, comment_form=form)
        data = form.cleaned_data
        parent = None
        if data.get("parent"):
            parent = self.topic.comments.filter(pk=data["parent"]).first()
            if parent is None:
                form.add_error(None, _("The comment you reply to does not exist."))
                return self.page(400, comment_form=form)
        try:
            comment = services.comment_post(
                by=request.user, topic=self.topic, stance=data["stance"], body=data["body"], parent=parent
            )
        except services.TakePartRefused as error:
            return self.page(403, refused=str(error))
        except services.TopicStateError as error:
            return self.page(400, refused=" ".join(error.messages))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.page(400, comment_form=form)
        messages.success(request, _("Your comment is published."))
        return self.back(f"comment-{comment.pk}")


class SupportView(TakePartView):
    """Support the topic, or (UnsupportView) take the support back."""

    support = True

    def post(self, request, *args, **kwargs):
        try:
            if self.support:
                services.topic_support(by=request.user, topic=self.topic)
            else:
                services.topic_unsupport(by=request.user, topic=self.topic)
        except services.TakePartRefused as error:
            return self.page(403, refused=str(error))
        except ValidationError as error:
            return self.page(400, refused=" ".join(error.messages))
        if self.support:
            messages.success(request, _("Thank you: you support this topic."))
        else:
            messages.success(request, _("You no longer support this topic."))
        return self.back("supports")


class UnsupportView(SupportView):
    support = False


class CommentReportView(PermissionRequiredMixin, TemplateView):
    """Report a comment to the moderators (POST; once per account)."""

    permission_required = "meetings.report_comment"
    template_name = "meetings/topic_detail.html"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        comment = selectors.comment_get_public(comment_id=pk)
        topic = selectors.topic_get_public(user=request.user, topic_id=comment.topic_id)
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.comment_report(by=request.user, comment=comment, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                refused = " ".join(error.messages)
            else:
                messages.success(request, _("Thank you: the moderators will look at this comment."))
                url = reverse("meetings:topic-detail", args=[topic.pk])
                return redirect(f"{url}#comment-{comment.pk}")
        else:
            refused = " ".join(m for errors in form.errors.values() for m in errors)
        response = self.render_to_response(topic_context(request, topic, refused=refused), status=400)
        return _never_cache(response)


# Staff pages --------------------------------------------------------------------------------------------

STAFF_TABS = [
    ("", gettext_lazy("All")),
    (TopicStatus.DRAFT, gettext_lazy("Drafts")),
    (TopicStatus.OPEN, gettext_lazy("Open")),
    (TopicStatus.ON_AGENDA, gettext_lazy("On an agenda")),
    (TopicStatus.DECIDED, gettext_lazy("Decided")),
    (TopicStatus.WITHDRAWN, gettext_lazy("Withdrawn")),
]


class StaffPageMixin(PermissionRequiredMixin):
    """Staff pages are never cached: they show drafts, hidden comments and their reasons."""

    def render_to_response(self, context, **response_kwargs):
        return _never_cache(super().render_to_response(context, **response_kwargs))


class StaffTopicListView(StaffPageMixin, TemplateView):
    """The topics of the places the staff member covers, drafts included, 30 a page."""

    permission_required = "meetings.view_staff"
    template_name = "meetings/deliberation/staff_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tab = self.request.GET.get("status", "")
        if tab not in TopicStatus.values:
            tab = ""
        topics = selectors.topics_for_staff(user=user, filters={"status": tab})
        page = Paginator(topics, STAFF_PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        names = selectors.place_names(topic.place_code for topic in rows)
        for topic in rows:
            topic.place_name = names.get(topic.place_code, topic.place_code)
        context.update(
            topics=rows,
            page=page,
            tab=tab,
            tabs=STAFF_TABS,
            query=_query_without_page(self.request),
            can_manage=user.has_perm("meetings.manage"),
            can_moderate=user.has_perm("meetings.moderate"),
        )
        return context


class TopicFormMixin(StaffPageMixin):
    """The topic form with its options, shared by "new", "edit" and "deliberate this matter"."""

    template_name = "meetings/deliberation/staff_form.html"
    nav_current = ""

    def make_forms(self, data=None, *, initial=None, options=()):
        return (
            self.topic_form(data, initial=initial),
            OptionFormSet(
                data,
                prefix="options",
                initial=[{"title": o.title, "description": o.description} for o in options],
            ),
        )

    def topic_form(self, data, *, initial=None) -> TopicForm:
        return TopicForm(data, initial=initial, places=manage_places(self.request.user))

    def render_form(self, form, formset, *, status: int = 200, options_errors=(), **extra):
        context = self.get_context_data(
            form=form,
            formset=formset,
            options_errors=list(options_errors),
            nav_current=self.nav_current,
            **extra,
        )
        return self.render_to_response(context, status=status)

    def service_errors(self, form, error: ValidationError) -> list[str]:
        """Put a service's errors on the form; return those about the options."""
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return []
        options = []
        for name, errors in error.message_dict.items():
            if name == "options":
                options.extend(errors)
            else:
                form.add_error(name if name in form.fields else None, errors)
        return options


class StaffTopicCreateView(TopicFormMixin, TemplateView):
    """A new topic, saved as a draft or opened at once."""

    permission_required = "meetings.manage"
    nav_current = "new"

    def get(self, request, *args, **kwargs):
        form, formset = self.make_forms()
        return self.render_form(form, formset)

    def post(self, request, *args, **kwargs):
        form, formset = self.make_forms(request.POST)
        if not (form.is_valid() & formset.is_valid()):
            return self.render_form(form, formset, status=400)
        data = form.cleaned_data
        place = Place.objects.filter(code=data["place_code"]).first()
        if place is None or not request.user.has_perm("meetings.manage", place):
            form.add_error("place_code", _("Choose a place you look after."))
            return self.render_form(form, formset, status=400)
        try:
            topic = services.topic_create(
                by=request.user,
                title=data["title"],
                background=data["background"],
                place_code=data["place_code"],
                origin=data["origin"],
                options=option_inputs(formset),
                support_threshold=data["support_threshold"],
                closes_at=data.get("closes_at"),
            )
            if "open" in request.POST:
                services.topic_open(by=request.user, topic=topic)
        except ValidationError as error:
            return self.render_form(
                form, formset, status=400, options_errors=self.service_errors(form, error)
            )
        if "open" in request.POST:
            messages.success(request, _("The topic is open: residents may now comment and support it."))
            return redirect("meetings:topic-detail", pk=topic.pk)
        messages.success(request, _("The topic is saved as a draft."))
        return redirect("meetings:staff-topic-edit", pk=topic.pk)


class StaffTopicMixin(StaffPageMixin):
    def get_topic(self) -> Topic:
        if not hasattr(self, "topic"):
            self.topic = selectors.topic_get_for_staff(user=self.request.user, topic_id=self.kwargs["pk"])
        return self.topic

    def get_permission_object(self):
        return self.get_topic()


class StaffTopicEditView(StaffTopicMixin, TopicFormMixin, TemplateView):
    """Change a draft or an open topic; open or withdraw it."""

    permission_required = "meetings.manage"
    nav_current = "staff"

    def topic_form(self, data, *, initial=None) -> TopicForm:
        topic = self.get_topic()
        editable_place = topic.status == TopicStatus.DRAFT and topic.matter_id is None
        return TopicForm(
            data,
            initial=initial,
            places=manage_places(self.request.user),
            with_place=editable_place,
            with_origin=False,
        )

    def initial(self) -> dict:
        topic = self.get_topic()
        return {
            "title": topic.title,
            "background": topic.background,
            "place_code": topic.place_code,
            "support_threshold": topic.support_threshold,
            "closes_at": topic.closes_at,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.get_topic()
        context.update(
            topic=topic,
            editable=topic.status in (TopicStatus.DRAFT, TopicStatus.OPEN),
            can_open=topic.status in TOPIC_TRANSITIONS["open"][0],
            can_withdraw=topic.status in TOPIC_TRANSITIONS["withdraw"][0],
            place_name=selectors.place_names([topic.place_code]).get(topic.place_code, topic.place_code),
        )
        return context

    def get(self, request, *args, **kwargs):
        form, formset = self.make_forms(initial=self.initial(), options=self.get_topic().options.all())
        return self.render_form(form, formset)

    def post(self, request, *args, **kwargs):
        topic = self.get_topic()
        form, formset = self.make_forms(request.POST, initial=self.initial(), options=topic.options.all())
        if not (form.is_valid() & formset.is_valid()):
            return self.render_form(form, formset, status=400)
        data = form.cleaned_data
        place_code = data.get("place_code")
        if place_code and place_code != topic.place_code:
            place = Place.objects.filter(code=place_code).first()
            if place is None or not request.user.has_perm("meetings.manage", place):
                form.add_error("place_code", _("Choose a place you look after."))
                return self.render_form(form, formset, status=400)
        try:
            services.topic_update(
                by=request.user,
                topic=topic,
                title=data["title"],
                background=data["background"],
                options=option_inputs(formset),
                support_threshold=data["support_threshold"],
                closes_at=data.get("closes_at"),
                place_code=place_code,
            )
        except ValidationError as error:
            del self.topic
            return self.render_form(
                form, formset, status=400, options_errors=self.service_errors(form, error)
            )
        messages.success(request, _("The topic is saved."))
        return redirect("meetings:staff-topic-edit", pk=topic.pk)


class StaffTopicActionView(StaffTopicMixin, View):
    """Open or withdraw a topic (POST); a refused one comes back with the service's message."""

    permission_required = "meetings.manage"
    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        topic = self.get_topic()
        try:
            if self.action == "open":
                services.topic_open(by=request.user, topic=topic)
                messages.success(request, _("The topic is open: residents may now comment and support it."))
            else:
                reason = request.POST.get("reason", "")
                services.topic_withdraw(by=request.user, topic=topic, reason=reason)
                messages.success(request, _("The topic is withdrawn."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("meetings:staff-topic-edit", pk=topic.pk)


class StaffTopicOpenView(StaffTopicActionView):
    action = "open"


class StaffTopicWithdrawView(StaffTopicActionView):
    action = "withdraw"


class StaffTopicFromMatterView(TopicFormMixin, TemplateView):
    """Open the public deliberation of a tabled matter, for the residents of its community."""

    permission_required = "meetings.manage"

    def get_matter(self):
        if not hasattr(self, "matter"):
            from huiketing.matters import selectors as matter_selectors

            self.matter = matter_selectors.matter_get_for_staff(
                user=self.request.user, matter_id=self.kwargs["pk"]
            )
        return self.matter

    def get_permission_object(self):
        return self.get_matter()

    def topic_form(self, data, *, initial=None) -> TopicForm:
        return TopicForm(data, initial=initial, with_place=False, with_origin=False)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matter = self.get_matter()
        code = matter.place_code[:12]
        context.update(
            matter=matter,
            from_matter=True,
            running=selectors.topic_running_for_matter(matter=matter),
            place_name=selectors.place_names([code]).get(code, code),
        )
        return context

    def get(self, request, *args, **kwargs):
        matter = self.get_matter()
        form, formset = self.make_forms(
            initial={"title": matter.title, "background": matter.description, "support_threshold": 10}
        )
        return self.render_form(form, formset)

    def post(self, request, *args, **kwargs):
        matter = self.get_matter()
        form, formset = self.make_forms(request.POST)
        if not (form.is_valid() & formset.is_valid()):
            return self.render_form(form, formset, status=400)
        data = form.cleaned_data
        try:
            topic = services.topic_open_from_matter(
                by=request.user,
                matter=matter,
                title=data["title"],
                background=data["background"],
                options=option_inputs(formset),
                threshold=data["support_threshold"],
                closes_at=data.get("closes_at"),
            )
        except ValidationError as error:
            return self.render_form(
                form, formset, status=400, options_errors=self.service_errors(form, error)
            )
        messages.success(request, _("The deliberation is open: residents of the community may take part."))
        return redirect("meetings:topic-detail", pk=topic.pk)


# Moderation ---------------------------------------------------------------------------------------------


class ModerationQueueView(StaffPageMixin, TemplateView):
    """Reported comments in the moderator's places, most reported first, each with hide and keep; and the
    comments hidden lately, to show one again."""

    permission_required = "meetings.moderate"
    template_name = "meetings/deliberation/reports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = Paginator(selectors.moderation_queue(user=user), STAFF_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        rows = list(page.object_list)
        for comment in rows:
            comment.author_label = selectors.author_label(comment)
        hidden = selectors.hidden_recently(user=user)
        for comment in hidden:
            comment.author_label = selectors.author_label(comment)
        context.update(page=page, comments=rows, hidden=hidden, query=_query_without_page(self.request))
        context.setdefault("failed", None)
        context.setdefault("failed_errors", [])
        return context


class CommentModerationView(StaffPageMixin, TemplateView):
    """Hide, show again, or keep a reported comment (POST)."""

    permission_required = "meetings.moderate"
    template_name = "meetings/deliberation/reports.html"
    http_method_names = ["post"]
    action = ""

    def get_comment(self):
        if not hasattr(self, "comment"):
            self.comment = selectors.comment_get_for_moderator(
                user=self.request.user, comment_id=self.kwargs["pk"]
            )
        return self.comment

    def get_permission_object(self):
        return self.get_comment().topic

    def post(self, request, *args, **kwargs):
        comment = self.get_comment()
        form = HideForm(request.POST, auto_id=f"hide_{comment.pk}_%s") if self.action == "hide" else None
        try:
            if self.action == "hide":
                if not form.is_valid():
                    raise ValidationError(form.errors["reason"])
                services.comment_hide(by=request.user, comment=comment, reason=form.cleaned_data["reason"])
                messages.success(request, _("The comment is hidden."))
            elif self.action == "unhide":
                services.comment_unhide(by=request.user, comment=comment)
                messages.success(request, _("The comment is shown again."))
            else:
                services.comment_reports_dismiss(by=request.user, comment=comment)
                messages.success(request, _("The comment is kept; its reports are dealt with."))
        except ValidationError as error:
            view = ModerationQueueView(request=request, args=(), kwargs={})
            context = view.get_context_data(failed=comment.pk, failed_errors=error.messages)
            return view.render_to_response(context, status=400)
        if request.POST.get("next") == "topic":
            return redirect(
                f"{reverse('meetings:topic-detail', args=[comment.topic_id])}#comment-{comment.pk}"
            )
        return redirect("meetings:staff-reports")


class CommentHideView(CommentModerationView):
    action = "hide"


class CommentUnhideView(CommentModerationView):
    action = "unhide"


class CommentKeepView(CommentModerationView):
    action = "keep"
