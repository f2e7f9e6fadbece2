from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ProgrammeYear


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "period_start", "period_end", "application_deadline"]
