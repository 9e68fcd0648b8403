; NSIS installer for cchc_desktop (CCHC – Sở Y tế). NSIS 3.x, Unicode (x86-unicode stub: the official
; NSIS for Windows ships no amd64 stubs; the 32-bit installer writes the 64-bit registry view and
; $PROGRAMFILES64, and Windows 10/11 x64 runs it as is).
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DPAYLOAD=..\dist\CCHC ^
;            -DOUTFILE=..\dist\CCHC-0.1.0-setup.exe build_scripts\installer.nsi
;   (build_scripts/build.py passes all of these; the defaults below fit a build from the repository root.)
;
; Per-user install without admin rights by default ($LOCALAPPDATA\Programs\CCHC, HKCU); "all users" is an
; option for an installer started as administrator ($PROGRAMFILES64\CCHC, HKLM).
; Command line: /S silent, /ALLUSERS or /CURRENTUSER, /D=C:\folder (last, unquoted).
; The uninstaller keeps the user's data (%LOCALAPPDATA%\cchc_desktop: databases, logs, backups) unless the
; user ticks "Xóa cả dữ liệu của tôi"; a silent uninstall (/S) always keeps it. Installing over an existing
; version replaces the program files and keeps the data.

Unicode true
SetCompressor /SOLID lzma
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VERSION4
  !define VERSION4 "0.0.0.0"
!endif
!ifndef PUBLISHER
  !define PUBLISHER "cchc_desktop team"
!endif
!ifndef PAYLOAD
  !define PAYLOAD "..\dist\CCHC"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\CCHC-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\cchc.ico"
!endif
!ifndef EXE_SUFFIX
  !define EXE_SUFFIX ".exe"
!endif

!define APP_NAME "CCHC"
!define APP_LONG_NAME "CCHC – Sở Y tế"
!define APP_EXE "CCHC${EXE_SUFFIX}"
!define CLI_EXE "cchc-cli${EXE_SUFFIX}"
!define UNINST_EXE "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\CCHC"
; platformdirs.user_data_path(APP_NAME, appauthor=False) = %LOCALAPPDATA%\cchc_desktop: database, settings.ini,
; logs\, backups\ (cchc_desktop/core/db.py data_dir()).
!define DATA_DIR_NAME "cchc_desktop"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "nsDialogs.nsh"
!include "x64.nsh"

Name "${APP_LONG_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
BrandingText "${APP_LONG_NAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

Var AllUsers   ; "1": all users (HKLM, Program Files), "0": only the current user
Var RadioUser
Var RadioAll

; ----------------------------------------------------------------------------- pages (MUI2, Vietnamese)

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_WELCOME
Page custom ModePageCreate ModePageLeave
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
; the uninstaller's components page: the program (always) and, unticked, the user's data
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_COMPONENTSPAGE_TEXT_TOP "Dữ liệu của bạn (cơ sở dữ liệu, nhật ký, bản sao lưu trong $\"%LOCALAPPDATA%\${DATA_DIR_NAME}$\") được giữ lại, trừ khi bạn đánh dấu ô $\"Xóa cả dữ liệu của tôi$\"."
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP_LONG_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Trình cài đặt ${APP_LONG_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "© ${PUBLISHER}"

; ----------------------------------------------------------------------------- install mode

!macro APPLY_MODE
  ${If} $AllUsers == 1
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
!macroend

; Only a default location follows the mode (or a previous installation); a folder the user chose
; (/D= or the directory page) is never replaced.
Function ChooseDefaultDir
  SetShellVarContext current
  StrCpy $1 "$LOCALAPPDATA\Programs\${APP_NAME}"
  StrCpy $2 "$PROGRAMFILES64\${APP_NAME}"
  ${If} $INSTDIR == $1
  ${OrIf} $INSTDIR == $2
    ${If} $AllUsers == 1
      ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
      StrCpy $INSTDIR $2
    ${Else}
      ReadRegStr $0 HKCU "${UNINST_KEY}" "InstallLocation"
      StrCpy $INSTDIR $1
    ${EndIf}
    ${If} $0 != ""
      StrCpy $INSTDIR $0  ; upgrade in place
    ${EndIf}
  ${EndIf}
FunctionEnd

Function .onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/CURRENTUSER" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 0
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "Admin"
      MessageBox MB_ICONSTOP "Cài đặt cho mọi người dùng cần quyền quản trị. Hãy chạy trình cài đặt bằng $\"Run as administrator$\"." /SD IDOK
      SetErrorLevel 740
      Quit
    ${EndIf}
  ${EndIf}
  Call ChooseDefaultDir
FunctionEnd

Function ModePageCreate
  !insertmacro MUI_HEADER_TEXT "Cài đặt cho ai?" "Chọn cài đặt cho riêng bạn hay cho mọi người dùng máy tính này."
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateRadioButton} 0 8u 100% 12u "Chỉ cho tôi (không cần quyền quản trị) – khuyên dùng"
  Pop $RadioUser
  ${NSD_CreateLabel} 12u 22u 95% 18u "Chương trình được cài vào thư mục riêng của bạn."
  Pop $0
  ${NSD_CreateRadioButton} 0 48u 100% 12u "Cho mọi người dùng máy tính này (cần quyền quản trị)"
  Pop $RadioAll
  ${NSD_CreateLabel} 12u 62u 95% 28u "Chương trình được cài vào Program Files. Cần mở trình cài đặt bằng $\"Run as administrator$\"."
  Pop $0
  ${If} $AllUsers == 1
    ${NSD_Check} $RadioAll
  ${Else}
    ${NSD_Check} $RadioUser
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ModePageLeave
  ${NSD_GetState} $RadioAll $0
  ${If} $0 == ${BST_CHECKED}
    UserInfo::GetAccountType
    Pop $1
    ${If} $1 != "Admin"
      MessageBox MB_ICONEXCLAMATION "Cài đặt cho mọi người dùng cần quyền quản trị. Hãy đóng trình cài đặt và mở lại bằng $\"Run as administrator$\", hoặc chọn $\"Chỉ cho tôi$\"."
      Abort
    ${EndIf}
    StrCpy $AllUsers 1
  ${Else}
    StrCpy $AllUsers 0
  ${EndIf}
  Call ChooseDefaultDir
FunctionEnd

; ----------------------------------------------------------------------------- install

Section "${APP_LONG_NAME}" SecProgram
  SectionIn RO
  !insertmacro APPLY_MODE

  ; Upgrade: the previous version's program files go first (a stale library must not linger).
  ; The user's data is not in this folder and is not touched.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"

  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\${UNINST_EXE}"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Gỡ cài đặt ${APP_NAME}.lnk" "$INSTDIR\${UNINST_EXE}"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  ; "Apps & features" (SHCTX = HKCU per user, HKLM for all users)
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP_LONG_NAME}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINST_EXE}"'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINST_EXE}" /S'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

; ----------------------------------------------------------------------------- uninstall

Function un.onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
  StrCpy $AllUsers 0
  ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $0 == $INSTDIR
    StrCpy $AllUsers 1
    UserInfo::GetAccountType
    Pop $1
    ${If} $1 != "Admin"
      MessageBox MB_ICONSTOP "Bản cài cho mọi người dùng chỉ gỡ được bằng quyền quản trị." /SD IDOK
      SetErrorLevel 740
      Quit
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "un.Chương trình ${APP_LONG_NAME}" UnSecProgram
  SectionIn RO
  !insertmacro APPLY_MODE
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\Gỡ cài đặt ${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"
  Delete "$DESKTOP\${APP_NAME}.lnk"

  ; Only what the installer put there (the folder may hold other things the user keeps).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\${UNINST_EXE}"
  RMDir "$INSTDIR"

  DeleteRegKey SHCTX "${UNINST_KEY}"
SectionEnd

; Unticked by default, and a silent uninstall (/S) never selects it: the data stays.
Section /o "un.Xóa cả dữ liệu của tôi" UnSecData
  SetShellVarContext current
  RMDir /r "$LOCALAPPDATA\${DATA_DIR_NAME}"
SectionEnd
