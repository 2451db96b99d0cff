//! Built-in strings in six languages, and `languageDictionary` overrides.
//!
//! Compact on purpose: one static `&str` array per language indexed by [`Msg`], no maps, no
//! formatting machinery. `{name}` in a string is replaced by a provider's label.

use crate::error::{Error, ErrorCode, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::JsValue;

/// A built-in language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// English (default).
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// German.
    De,
    /// Brazilian Portuguese.
    PtBr,
    /// Japanese.
    Ja,
}

impl Language {
    /// The accepted `language` values, in table order.
    pub const TAGS: [&'static str; 6] = ["en", "es", "fr", "de", "pt-BR", "ja"];

    /// Parses a language tag (case-insensitive; `pt_BR` is accepted too).
    pub fn parse(tag: &str) -> Option<Language> {
        const ALL: [Language; 6] = [
            Language::En,
            Language::Es,
            Language::Fr,
            Language::De,
            Language::PtBr,
            Language::Ja,
        ];
        Language::TAGS
            .iter()
            .position(|t| {
                t.len() == tag.len()
                    && t.bytes()
                        .zip(tag.bytes())
                        .all(|(a, b)| a.eq_ignore_ascii_case(&b) || (a == b'-' && b == b'_'))
            })
            .map(|i| ALL[i])
    }

    /// The BCP 47 tag, for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        Language::TAGS[self as usize]
    }
}

/// A string of the dialog. The discriminant indexes [`KEYS`] and every language table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Msg {
    Title,
    Close,
    ConnectWith,
    IdentitiesTitle,
    Primary,
    Unlink,
    UnlinkPrompt,
    ConfirmUnlink,
    CancelUnlink,
    UseRedirect,
    Loading,
    WaitingForPopup,
    Redirecting,
    Linking,
    Linked,
    Unlinking,
    Unlinked,
    /// First of the error messages, which follow [`ErrorCode`]'s order.
    ErrorInvalidOptions,
}

const N: usize = 32;
const FIRST_ERROR: usize = Msg::ErrorInvalidOptions as usize;

/// The `languageDictionary` keys, in [`Msg`] order; error messages are `error` + the code in
/// PascalCase.
pub const KEYS: [&str; N] = [
    "title",
    "close",
    "connectWith",
    "identitiesTitle",
    "primary",
    "unlink",
    "unlinkPrompt",
    "confirmUnlink",
    "cancelUnlink",
    "useRedirect",
    "loading",
    "waitingForPopup",
    "redirecting",
    "linking",
    "linked",
    "unlinking",
    "unlinked",
    "errorInvalidOptions",
    "errorPopupBlocked",
    "errorCancelled",
    "errorTimeout",
    "errorStateMismatch",
    "errorAuthorizationError",
    "errorInvalidIdToken",
    "errorSameIdentity",
    "errorAlreadyLinked",
    "errorUnauthorized",
    "errorForbidden",
    "errorRateLimited",
    "errorApiError",
    "errorNetworkError",
    "errorDestroyed",
];

fn error_index(code: ErrorCode) -> usize {
    FIRST_ERROR
        + match code {
            ErrorCode::InvalidOptions => 0,
            ErrorCode::PopupBlocked => 1,
            ErrorCode::Cancelled => 2,
            ErrorCode::Timeout => 3,
            ErrorCode::StateMismatch => 4,
            ErrorCode::AuthorizationError => 5,
            ErrorCode::InvalidIdToken => 6,
            ErrorCode::SameIdentity => 7,
            ErrorCode::AlreadyLinked => 8,
            ErrorCode::Unauthorized => 9,
            ErrorCode::Forbidden => 10,
            ErrorCode::RateLimited => 11,
            ErrorCode::ApiError => 12,
            ErrorCode::NetworkError => 13,
            ErrorCode::Destroyed => 14,
        }
}

/// The strings of one language with the app's overrides applied.
#[derive(Clone, Debug)]
pub struct Strings {
    language: Language,
    overrides: Vec<Option<String>>,
}

impl Strings {
    /// The built-in strings of `language`, no overrides.
    pub fn new(language: Language) -> Strings {
        Strings {
            language,
            overrides: vec![None; N],
        }
    }

    /// The language chosen.
    pub fn language(&self) -> Language {
        self.language
    }

    // `get`, not indexing, here and below: the indices are always in range, and a bounds
    // check's panic path keeps core's integer formatting in the wasm (issue 5, size).
    fn at(&self, index: usize) -> &str {
        match self.overrides.get(index) {
            Some(Some(text)) => text,
            _ => TABLES
                .get(self.language as usize)
                .and_then(|table| table.get(index))
                .copied()
                .unwrap_or_default(),
        }
    }

    /// The text of `msg`.
    pub fn get(&self, msg: Msg) -> &str {
        self.at(msg as usize)
    }

    /// The text of `msg` with `{name}` replaced by `name`.
    pub fn with_name(&self, msg: Msg, name: &str) -> String {
        let template = self.get(msg);
        if let Some((before, after)) = template.split_once('{') {
            if let Some(after) = after.strip_prefix("name}") {
                return before.to_owned() + name + after;
            }
        }
        template.to_owned()
    }

    /// The short, translated message shown in the dialog for an error code.
    pub fn error(&self, code: ErrorCode) -> &str {
        self.at(error_index(code))
    }

    /// Overrides one string. `Ok(false)` when `key` is unknown; an error when the value is not
    /// a string.
    pub fn set_by_key(&mut self, key: &str, value: &JsValue) -> Result<bool> {
        let Some(index) = KEYS.iter().position(|k| *k == key) else {
            return Ok(false);
        };
        let text = value.as_string().ok_or_else(|| {
            Error::invalid_options("languageDictionary.".to_owned() + key + " must be a string")
        })?;
        if let Some(slot) = self.overrides.get_mut(index) {
            *slot = Some(text);
        }
        Ok(true)
    }

    /// Overrides one string by its [`Msg`].
    pub fn set(&mut self, msg: Msg, text: String) {
        if let Some(slot) = self.overrides.get_mut(msg as usize) {
            *slot = Some(text);
        }
    }
}

static TABLES: [[&str; N]; 6] = [
    [
        "Link with another account",
        "Close",
        "Continue with {name}",
        "Linked accounts",
        "Signed in",
        "Unlink",
        "Unlink {name}?",
        "Unlink",
        "Cancel",
        "Continue in this window",
        "Loading linked accounts…",
        "Waiting for the popup…",
        "Redirecting…",
        "Linking the account…",
        "Account linked.",
        "Unlinking…",
        "Account unlinked.",
        "This dialog is not set up correctly.",
        "The browser blocked the sign-in window.",
        "The sign-in window was closed before finishing.",
        "The sign-in took too long. Please try again.",
        "The sign-in response could not be verified. Please try again.",
        "The provider did not allow the sign-in.",
        "The sign-in response could not be verified. Please try again.",
        "That is the account you are signed in with.",
        "That account is already linked.",
        "Your session has expired. Please sign in again.",
        "You are not allowed to change linked accounts.",
        "Too many attempts. Please wait a moment and try again.",
        "Something went wrong. Please try again.",
        "Could not connect. Check your connection and try again.",
        "This dialog is no longer available.",
    ],
    [
        "Vincular con otra cuenta",
        "Cerrar",
        "Continuar con {name}",
        "Cuentas vinculadas",
        "Sesión iniciada",
        "Desvincular",
        "¿Desvincular {name}?",
        "Desvincular",
        "Cancelar",
        "Continuar en esta ventana",
        "Cargando cuentas vinculadas…",
        "Esperando la ventana emergente…",
        "Redirigiendo…",
        "Vinculando la cuenta…",
        "Cuenta vinculada.",
        "Desvinculando…",
        "Cuenta desvinculada.",
        "Este diálogo no está configurado correctamente.",
        "El navegador bloqueó la ventana de inicio de sesión.",
        "La ventana de inicio de sesión se cerró antes de terminar.",
        "El inicio de sesión tardó demasiado. Inténtalo de nuevo.",
        "No se pudo verificar la respuesta de inicio de sesión. Inténtalo de nuevo.",
        "El proveedor no permitió el inicio de sesión.",
        "No se pudo verificar la respuesta de inicio de sesión. Inténtalo de nuevo.",
        "Esa es la cuenta con la que has iniciado sesión.",
        "Esa cuenta ya está vinculada.",
        "Tu sesión ha caducado. Vuelve a iniciar sesión.",
        "No tienes permiso para cambiar las cuentas vinculadas.",
        "Demasiados intentos. Espera un momento e inténtalo de nuevo.",
        "Algo salió mal. Inténtalo de nuevo.",
        "No se pudo conectar. Comprueba tu conexión e inténtalo de nuevo.",
        "Este diálogo ya no está disponible.",
    ],
    [
        "Associer un autre compte",
        "Fermer",
        "Continuer avec {name}",
        "Comptes associés",
        "Connecté",
        "Dissocier",
        "Dissocier {name} ?",
        "Dissocier",
        "Annuler",
        "Continuer dans cette fenêtre",
        "Chargement des comptes associés…",
        "En attente de la fenêtre de connexion…",
        "Redirection…",
        "Association du compte…",
        "Compte associé.",
        "Dissociation…",
        "Compte dissocié.",
        "Cette boîte de dialogue n’est pas configurée correctement.",
        "Le navigateur a bloqué la fenêtre de connexion.",
        "La fenêtre de connexion a été fermée avant la fin.",
        "La connexion a pris trop de temps. Veuillez réessayer.",
        "La réponse de connexion n’a pas pu être vérifiée. Veuillez réessayer.",
        "Le fournisseur a refusé la connexion.",
        "La réponse de connexion n’a pas pu être vérifiée. Veuillez réessayer.",
        "C’est le compte avec lequel vous êtes connecté.",
        "Ce compte est déjà associé.",
        "Votre session a expiré. Veuillez vous reconnecter.",
        "Vous n’êtes pas autorisé à modifier les comptes associés.",
        "Trop de tentatives. Patientez un instant puis réessayez.",
        "Une erreur s’est produite. Veuillez réessayer.",
        "Connexion impossible. Vérifiez votre connexion et réessayez.",
        "Cette boîte de dialogue n’est plus disponible.",
    ],
    [
        "Mit einem anderen Konto verknüpfen",
        "Schließen",
        "Weiter mit {name}",
        "Verknüpfte Konten",
        "Angemeldet",
        "Trennen",
        "{name} trennen?",
        "Trennen",
        "Abbrechen",
        "In diesem Fenster fortfahren",
        "Verknüpfte Konten werden geladen…",
        "Warten auf das Anmeldefenster…",
        "Weiterleitung…",
        "Konto wird verknüpft…",
        "Konto verknüpft.",
        "Verknüpfung wird aufgehoben…",
        "Konto getrennt.",
        "Dieser Dialog ist nicht richtig eingerichtet.",
        "Der Browser hat das Anmeldefenster blockiert.",
        "Das Anmeldefenster wurde vor dem Abschluss geschlossen.",
        "Die Anmeldung hat zu lange gedauert. Bitte versuchen Sie es erneut.",
        "Die Anmeldeantwort konnte nicht überprüft werden. Bitte versuchen Sie es erneut.",
        "Der Anbieter hat die Anmeldung abgelehnt.",
        "Die Anmeldeantwort konnte nicht überprüft werden. Bitte versuchen Sie es erneut.",
        "Mit diesem Konto sind Sie bereits angemeldet.",
        "Dieses Konto ist bereits verknüpft.",
        "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
        "Sie dürfen verknüpfte Konten nicht ändern.",
        "Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es erneut.",
        "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
        "Keine Verbindung möglich. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
        "Dieser Dialog ist nicht mehr verfügbar.",
    ],
    [
        "Vincular a outra conta",
        "Fechar",
        "Continuar com {name}",
        "Contas vinculadas",
        "Conectado",
        "Desvincular",
        "Desvincular {name}?",
        "Desvincular",
        "Cancelar",
        "Continuar nesta janela",
        "Carregando contas vinculadas…",
        "Aguardando a janela pop-up…",
        "Redirecionando…",
        "Vinculando a conta…",
        "Conta vinculada.",
        "Desvinculando…",
        "Conta desvinculada.",
        "Esta caixa de diálogo não está configurada corretamente.",
        "O navegador bloqueou a janela de login.",
        "A janela de login foi fechada antes de terminar.",
        "O login demorou demais. Tente novamente.",
        "Não foi possível verificar a resposta do login. Tente novamente.",
        "O provedor não permitiu o login.",
        "Não foi possível verificar a resposta do login. Tente novamente.",
        "Esta é a conta com a qual você está conectado.",
        "Essa conta já está vinculada.",
        "Sua sessão expirou. Faça login novamente.",
        "Você não tem permissão para alterar as contas vinculadas.",
        "Muitas tentativas. Aguarde um momento e tente novamente.",
        "Algo deu errado. Tente novamente.",
        "Não foi possível conectar. Verifique sua conexão e tente novamente.",
        "Esta caixa de diálogo não está mais disponível.",
    ],
    [
        "別のアカウントと連携",
        "閉じる",
        "{name} で続行",
        "連携済みのアカウント",
        "ログイン中",
        "連携を解除",
        "{name} の連携を解除しますか？",
        "解除する",
        "キャンセル",
        "このウィンドウで続行",
        "連携済みのアカウントを読み込んでいます…",
        "ポップアップを待っています…",
        "リダイレクトしています…",
        "アカウントを連携しています…",
        "アカウントを連携しました。",
        "連携を解除しています…",
        "アカウントの連携を解除しました。",
        "このダイアログは正しく設定されていません。",
        "ブラウザーがログインウィンドウをブロックしました。",
        "ログインウィンドウが完了前に閉じられました。",
        "ログインに時間がかかりすぎました。もう一度お試しください。",
        "ログインの応答を確認できませんでした。もう一度お試しください。",
        "プロバイダーがログインを許可しませんでした。",
        "ログインの応答を確認できませんでした。もう一度お試しください。",
        "これは現在ログインしているアカウントです。",
        "このアカウントはすでに連携されています。",
        "セッションの有効期限が切れました。もう一度ログインしてください。",
        "連携アカウントを変更する権限がありません。",
        "試行回数が多すぎます。しばらく待ってからもう一度お試しください。",
        "問題が発生しました。もう一度お試しください。",
        "接続できませんでした。接続を確認してもう一度お試しください。",
        "このダイアログは利用できなくなりました。",
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_case_insensitively() {
        assert_eq!(Language::parse("pt-br"), Some(Language::PtBr));
        assert_eq!(Language::parse("pt_BR"), Some(Language::PtBr));
        assert_eq!(Language::parse("JA"), Some(Language::Ja));
        assert_eq!(Language::parse("xx"), None);
        assert_eq!(Language::PtBr.tag(), "pt-BR");
    }

    #[test]
    fn every_language_has_every_string_and_placeholders() {
        for table in TABLES.iter() {
            for (i, text) in table.iter().enumerate() {
                assert!(!text.is_empty(), "{}", KEYS[i]);
            }
            assert!(table[Msg::ConnectWith as usize].contains("{name}"));
            assert!(table[Msg::UnlinkPrompt as usize].contains("{name}"));
        }
        assert_eq!(KEYS[FIRST_ERROR], "errorInvalidOptions");
        assert_eq!(KEYS[error_index(ErrorCode::Destroyed)], "errorDestroyed");
        assert_eq!(
            KEYS[error_index(ErrorCode::RateLimited)],
            "errorRateLimited"
        );
    }

    #[test]
    fn titles_and_errors_translate() {
        assert_eq!(
            Strings::new(Language::En).get(Msg::Title),
            "Link with another account"
        );
        assert_eq!(
            Strings::new(Language::De).get(Msg::Title),
            "Mit einem anderen Konto verknüpfen"
        );
        let s = Strings::new(Language::Es);
        assert_eq!(
            s.with_name(Msg::ConnectWith, "GitHub"),
            "Continuar con GitHub"
        );
        assert_eq!(
            s.error(ErrorCode::AlreadyLinked),
            "Esa cuenta ya está vinculada."
        );
    }

    #[test]
    fn overrides_win() {
        let mut s = Strings::new(Language::Fr);
        s.set(Msg::Title, "Mon titre".into());
        assert_eq!(s.get(Msg::Title), "Mon titre");
        assert_eq!(s.get(Msg::Close), "Fermer");
    }
}
